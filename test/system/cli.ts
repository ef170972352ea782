/** The built CLI (dist/cli/main.js) as separate processes, with a hard deadline on each. */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const BIN = fileURLToPath(new URL('../../dist/cli/main.js', import.meta.url));

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  ms: number;
  /** The process outlived its deadline and was killed. */
  killed: boolean;
}

export interface CliRun {
  child: ChildProcess;
  done: Promise<CliResult>;
}

/** Start `radiosync ARGS`; after `deadlineMs` it gets SIGTERM, 5 s later SIGKILL. */
export function cli(args: string[], opts: { env?: Record<string, string>; deadlineMs?: number } = {}): CliRun {
  const t0 = Date.now();
  const child = spawn(process.execPath, [BIN, ...args], { env: { ...process.env, ...opts.env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  let killed = false;
  child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const timers: NodeJS.Timeout[] = [];
  if (opts.deadlineMs !== undefined) {
    timers.push(
      setTimeout(() => {
        killed = true;
        child.kill('SIGTERM');
        timers.push(setTimeout(() => child.kill('SIGKILL'), 5_000));
      }, opts.deadlineMs),
    );
  }
  const done = new Promise<CliResult>((resolve) =>
    child.on('exit', (code, signal) => {
      for (const t of timers) clearTimeout(t);
      resolve({ code, signal, stdout, stderr, ms: Date.now() - t0, killed });
    }),
  );
  return { child, done };
}

/** Run to completion; throws with the output if it does not exit 0 (setup steps only). */
export async function cliOk(args: string[], env?: Record<string, string>): Promise<string> {
  const r = await cli(args, { deadlineMs: 60_000, ...(env ? { env } : {}) }).done;
  if (r.code !== 0) throw new Error(`radiosync ${args.join(' ')} → ${r.code}\n${r.stderr}\n${r.stdout}`);
  return r.stdout;
}

/** The stable error code of a failed run (`radiosync: … [RS_ERR_X]` or --json `{"error":{"code"}}`). */
export function errorCode(r: CliResult): string | undefined {
  const m = /\[(RS_ERR_[A-Z0-9_]+)\]/.exec(r.stderr) ?? /"code"\s*:\s*"(RS_ERR_[A-Z0-9_]+)"/.exec(r.stderr + r.stdout);
  return m?.[1];
}
