/** Run the real `radiosync` binary (dist/cli/main.js, built by `npm test`) and the sim hub. */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { createInterface } from 'node:readline';

export const BIN = fileURLToPath(new URL('../../dist/cli/main.js', import.meta.url));

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

export function radiosync(args: string[], opts: { cwd?: string; env?: Record<string, string> } = {}): RunResult {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd: opts.cwd, env: { ...process.env, ...opts.env }, encoding: 'utf8', timeout: 300_000 });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

/** Start a command in the background; resolves with its result when it exits. */
export function radiosyncAsync(args: string[], opts: { cwd?: string } = {}): { child: ChildProcess; done: Promise<RunResult> } {
  const child = spawn(process.execPath, [BIN, ...args], { cwd: opts.cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const done = new Promise<RunResult>((resolve) => child.on('exit', (code) => resolve({ code: code ?? -1, stdout, stderr })));
  return { child, done };
}

export interface SimHub {
  stations: Array<{ name: string; host: string; port: number; ptyPath?: string }>;
  stop(): Promise<string>;
}

/** `radiosync sim --json` in the background; resolves once it printed its ports. */
export async function startSim(args: string[]): Promise<SimHub> {
  const child = spawn(process.execPath, [BIN, 'sim', '--json', '--base-port', '0', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const lines = createInterface({ input: child.stdout! });
  const rest: string[] = [];
  const ready = await new Promise<SimHub['stations']>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`sim did not start: ${out}`)), 15_000);
    lines.on('line', (l) => {
      rest.push(l);
      try {
        const j = JSON.parse(l) as { event?: string; stations?: SimHub['stations'] };
        if (j.event === 'ready' && j.stations) {
          clearTimeout(t);
          resolve(j.stations);
        }
      } catch {
        // not JSON: ignore
      }
    });
    child.on('exit', () => reject(new Error(`sim exited: ${out}`)));
  });
  const exited = new Promise<string>((resolve) => child.on('exit', () => resolve(rest.join('\n'))));
  let stopping: Promise<string> | undefined;
  return {
    stations: ready,
    stop: () => {
      if (!stopping) {
        child.kill('SIGTERM');
        stopping = exited;
      }
      return stopping;
    },
  };
}
