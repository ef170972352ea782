/**
 * Two real Dire Wolf soft TNCs joined by a simulated audio path, with no sound card.
 *
 *            KISS TCP :kissPort / AGW :agwPort / KISS pty            (loopback only)
 *                 │                                   │
 *            ┌────┴─────┐  a.tx FIFO ─▶ channel ─▶ b.rx FIFO  ┌─────┴────┐
 *            │ direwolf │                                      │ direwolf │
 *            │    A     │  a.rx FIFO ◀─ channel ◀─ b.tx FIFO   │    B     │
 *            └──────────┘                                      └──────────┘
 *
 * - Receive: `ADEVICE stdin …`; each instance's stdin is its rx FIFO, opened read-write (a FIFO
 *   opened for reading only would block until a writer exists; read-write also means no EOF).
 * - Transmit: ALSA `file` plugin over `null`, via a private ALSA_CONFIG_PATH, into the tx FIFO.
 * - Each direction is a separate channel process (channelMain.ts) that paces in real time and adds
 *   noise / drop-outs, so loss is real demodulation loss.
 *
 * Dire Wolf 1.6 always binds 0.0.0.0, so the harness refuses to start unless it is inside a private
 * network namespace (only `lo` present); use netns.ts to get there. It stops exactly the processes
 * it started, by PID.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, openSync, closeSync, writeFileSync, readFileSync, existsSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AudioChannelOptions, AudioChannelStats } from './audioChannel.js';
import {
  alsaConfigText,
  direwolfConfigText,
  DEFAULT_CHANNEL_ACCESS,
  DEFAULT_CONNECTED_MODE,
  type BeaconSpec,
  type ChannelAccess,
  type ConnectedModeSettings,
} from './direwolfConfig.js';

/**
 * Bound on waiting for both instances to be ready. Dire Wolf is up in well under a second and tsx
 * starts a channel process in ~1 s, but on a loaded 2-core CI box (tsc and other suites running)
 * start-up took over 20 s once here.
 */
export const STARTUP_TIMEOUT_MS = 60_000;
/** Grace after SIGTERM before SIGKILL. */
export const STOP_GRACE_MS = 3_000;
/** Bound on the log lines kept per instance (oldest dropped). */
export const MAX_LOG_LINES = 50_000;

/** Bound on the channel processes' stderr kept for error messages. */
const MAX_CHANNEL_STDERR_CHARS = 8_000;

export const DEFAULT_PORTS = { a: { kiss: 8001, agw: 8000 }, b: { kiss: 8011, agw: 8010 } } as const;

export interface HarnessOptions {
  modem?: 1200 | 9600;
  callsignA?: string;
  callsignB?: string;
  access?: Partial<ChannelAccess>;
  connected?: Partial<ConnectedModeSettings>;
  /** FX.25 transmit with this many check bytes (16, 32, 64), on both instances (`-X n`). */
  fx25?: 16 | 32 | 64;
  /** Noise and drop-outs, applied to both directions (each direction gets its own seed). */
  snrDb?: number;
  dropoutsPerSecond?: number;
  dropoutMs?: number;
  seed?: number;
  /** Optional Dire Wolf beacon transmitted by B (a foreign frame for A's clients). */
  beaconB?: BeaconSpec;
  /** Allow running with host networking (Dire Wolf then listens on 0.0.0.0). Off by default. */
  allowHostNetwork?: boolean;
  startupTimeoutMs?: number;
}

export interface LogWaiter {
  re: RegExp;
  resolve: (line: string) => void;
}

export class DirewolfInstance {
  readonly lines: string[] = [];
  ptyPath = '';
  private partial = '';
  private waiters: LogWaiter[] = [];
  exited: { code: number | null; signal: string | null } | null = null;

  constructor(
    readonly name: string,
    readonly mycall: string,
    readonly kissPort: number,
    readonly agwPort: number,
    readonly child: ChildProcess,
  ) {
    const onChunk = (b: Buffer) => this.onText(b.toString('utf8'));
    child.stdout?.on('data', onChunk);
    child.stderr?.on('data', onChunk);
    child.on('exit', (code, signal) => {
      this.exited = { code, signal };
    });
  }

  get pid(): number {
    return this.child.pid ?? -1;
  }

  log(): string {
    return this.lines.join('\n');
  }

  private onText(text: string): void {
    const parts = (this.partial + text).split('\n');
    this.partial = parts.pop() ?? '';
    for (const raw of parts) {
      const line = raw.replace(/\r$/, '');
      this.lines.push(line);
      if (this.lines.length > MAX_LOG_LINES) this.lines.shift();
      const pty = /Virtual KISS TNC is available on (\S+)/.exec(line);
      if (pty) this.ptyPath = pty[1]!;
      this.waiters = this.waiters.filter((w) => {
        if (!w.re.test(line)) return true;
        w.resolve(line);
        return false;
      });
    }
  }

  /** Resolves with the first log line (already seen or future) matching `re`; rejects after timeoutMs. */
  waitForLog(re: RegExp, timeoutMs: number): Promise<string> {
    const seen = this.lines.find((l) => re.test(l));
    if (seen !== undefined) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== waiter);
        reject(
          new Error(
            `direwolf ${this.name}: no log line matching ${re} within ${timeoutMs} ms` +
              (this.exited ? ` (exited: ${JSON.stringify(this.exited)})` : '') +
              `; log tail:\n${this.lines.slice(-20).join('\n')}`,
          ),
        );
      }, timeoutMs);
      const waiter: LogWaiter = {
        re,
        resolve: (l) => {
          clearTimeout(timer);
          resolve(l);
        },
      };
      this.waiters.push(waiter);
    });
  }
}

export interface Harness {
  readonly workDir: string;
  readonly a: DirewolfInstance;
  readonly b: DirewolfInstance;
  /** Latest stats of each direction (refreshed by the channel processes every 0.5 s; exact after stop). */
  channelStats(): { aToB: AudioChannelStats | null; bToA: AudioChannelStats | null };
  /** PIDs of every process this harness started. */
  readonly pids: number[];
  stop(): Promise<void>;
}

/**
 * Network interfaces of this process's network namespace. Read from /proc/self/net/dev, which
 * follows the reader's namespace (/sys/class/net shows the namespace sysfs was mounted in).
 */
export function networkInterfaces(): string[] {
  try {
    return readFileSync('/proc/self/net/dev', 'utf8')
      .split('\n')
      .slice(2)
      .map((l) => l.split(':')[0]!.trim())
      .filter((n) => n.length > 0);
  } catch {
    return [];
  }
}

/** True when the only network interface is loopback, i.e. we are inside a private network namespace. */
export function inPrivateNetns(): boolean {
  const ifs = networkInterfaces();
  return ifs.length === 1 && ifs[0] === 'lo';
}

/** Throws a clear error when Dire Wolf is not installed or does not run. */
export function checkDirewolf(): string {
  const r = spawnSync('direwolf', ['-h'], { encoding: 'utf8', timeout: 5_000 });
  if (r.error) {
    throw new Error(
      `direwolf cannot run here (${(r.error as NodeJS.ErrnoException).code ?? r.error.message}). ` +
        'Install it with `apt-get install direwolf` (.ci/run does this in CI).',
    );
  }
  const m = /Dire Wolf version (\S+)/.exec(`${r.stdout}${r.stderr}`);
  if (!m) throw new Error(`direwolf -h did not print a version; output: ${r.stdout}${r.stderr}`);
  return m[1]!;
}

const here = fileURLToPath(new URL('.', import.meta.url));

function mkfifo(path: string): void {
  const r = spawnSync('mkfifo', ['-m', '600', path]);
  if (r.status !== 0) throw new Error(`mkfifo ${path} failed: ${r.stderr?.toString() ?? r.error?.message}`);
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  let timer: NodeJS.Timeout | undefined;
  const timedOut = await Promise.race([
    exited.then(() => false),
    new Promise<boolean>((resolve) => {
      timer = setTimeout(() => resolve(true), STOP_GRACE_MS);
    }),
  ]);
  clearTimeout(timer);
  if (timedOut) {
    child.kill('SIGKILL');
    await exited;
  }
}

export async function startHarness(opts: HarnessOptions = {}): Promise<Harness> {
  checkDirewolf();
  if (!opts.allowHostNetwork && !inPrivateNetns()) {
    throw new Error(
      `interop harness: refusing to start Dire Wolf outside a private network namespace (interfaces: ${networkInterfaces().join(', ')}); ` +
        'Dire Wolf 1.6 listens on 0.0.0.0. Run through test/interop/netns.ts (runInPrivateNetns).',
    );
  }
  const workDir = mkdtempSync(join(tmpdir(), 'radiosync-interop-'));
  const modem = opts.modem ?? 1200;
  const access = { ...DEFAULT_CHANNEL_ACCESS, ...opts.access };
  const connected = { ...DEFAULT_CONNECTED_MODE, ...opts.connected };
  const seed = opts.seed ?? 1;
  const p = (f: string) => join(workDir, f);
  for (const f of ['a.tx', 'a.rx', 'b.tx', 'b.rx']) mkfifo(p(f));
  writeFileSync(
    p('asound.conf'),
    alsaConfigText([
      { name: 'radiosyncA', fifo: p('a.tx') },
      { name: 'radiosyncB', fifo: p('b.tx') },
    ]),
  );
  const stations = [
    { key: 'a', name: 'A', call: opts.callsignA ?? 'N0AAA', dev: 'radiosyncA', ports: DEFAULT_PORTS.a, beacon: undefined },
    { key: 'b', name: 'B', call: opts.callsignB ?? 'N0BBB', dev: 'radiosyncB', ports: DEFAULT_PORTS.b, beacon: opts.beaconB },
  ] as const;

  const children: ChildProcess[] = [];
  const killAllSync = () => {
    for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  };
  process.once('exit', killAllSync);

  try {
    // 1. Channel processes first: they open the FIFOs read-write, so nothing blocks.
    const channelOpts = (from: string, to: string, s: number): AudioChannelOptions => ({
      input: p(`${from}.tx`),
      output: p(`${to}.rx`),
      seed: s,
      ...(opts.snrDb !== undefined ? { snrDb: opts.snrDb } : {}),
      ...(opts.dropoutsPerSecond !== undefined ? { dropoutsPerSecond: opts.dropoutsPerSecond } : {}),
      ...(opts.dropoutMs !== undefined ? { dropoutMs: opts.dropoutMs } : {}),
    });
    const channelFile = join(here, 'channelMain.ts');
    let channelErr = '';
    for (const [from, to, s] of [
      ['a', 'b', seed * 2 + 1],
      ['b', 'a', seed * 2 + 2],
    ] as const) {
      const c = spawn(
        process.execPath,
        ['--import', 'tsx', channelFile, JSON.stringify(channelOpts(from, to, s)), p(`${from}to${to}.stats.json`)],
        { stdio: ['ignore', 'ignore', 'pipe'] },
      );
      c.stderr?.on('data', (b: Buffer) => {
        if (channelErr.length < MAX_CHANNEL_STDERR_CHARS) channelErr += b.toString('utf8');
      });
      children.push(c);
    }
    const timeoutMs = opts.startupTimeoutMs ?? STARTUP_TIMEOUT_MS;
    const statsReady = async () => {
      const deadline = Date.now() + timeoutMs;
      while (!existsSync(p('atob.stats.json')) || !existsSync(p('btoa.stats.json'))) {
        if (Date.now() > deadline) {
          throw new Error(`interop harness: audio channel processes did not start within ${timeoutMs} ms; stderr: ${channelErr}`);
        }
        for (const c of children) {
          if (c.exitCode !== null) throw new Error(`interop harness: audio channel process exited with ${c.exitCode}; stderr: ${channelErr}`);
        }
        await new Promise((r) => setTimeout(r, 100));
      }
    };
    await statsReady();

    // 2. The two Dire Wolf instances.
    const instances: DirewolfInstance[] = [];
    for (const st of stations) {
      const conf = p(`${st.key}.conf`);
      writeFileSync(
        conf,
        direwolfConfigText({
          mycall: st.call,
          alsaDevice: st.dev,
          modem,
          kissPort: st.ports.kiss,
          agwPort: st.ports.agw,
          access,
          connected,
          ...(st.beacon ? { beacon: st.beacon } : {}),
        }),
      );
      const rxFd = openSync(p(`${st.key}.rx`), 'r+');
      const args = ['-oL', 'direwolf', '-t', '0', '-c', conf, '-p'];
      if (opts.fx25) args.push('-X', String(opts.fx25));
      // stdbuf: Dire Wolf's stdout is a pipe here, and its log must arrive line by line.
      const child = spawn('stdbuf', args, {
        cwd: workDir,
        stdio: [rxFd, 'pipe', 'pipe'],
        env: { ...process.env, ALSA_CONFIG_PATH: p('asound.conf') },
      });
      closeSync(rxFd);
      children.push(child);
      instances.push(new DirewolfInstance(st.name, st.call, st.ports.kiss, st.ports.agw, child));
    }
    for (const inst of instances) {
      await inst.waitForLog(/Ready to accept KISS TCP client/, timeoutMs);
      await inst.waitForLog(/Ready to accept AGW client/, timeoutMs);
      await inst.waitForLog(/Virtual KISS TNC is available on/, timeoutMs);
    }
    const [a, b] = instances as [DirewolfInstance, DirewolfInstance];
    const readStats = (f: string): AudioChannelStats | null => {
      try {
        return JSON.parse(readFileSync(p(f), 'utf8')) as AudioChannelStats;
      } catch {
        return null;
      }
    };
    let stopped: Promise<void> | null = null;
    return {
      workDir,
      a,
      b,
      pids: children.map((c) => c.pid ?? -1),
      channelStats: () => ({ aToB: readStats('atob.stats.json'), bToA: readStats('btoa.stats.json') }),
      stop: () => {
        stopped ??= (async () => {
          // Dire Wolf first (so nothing blocks writing a FIFO), then the channels.
          await Promise.all(children.slice(2).map(stopChild));
          await Promise.all(children.slice(0, 2).map(stopChild));
          process.removeListener('exit', killAllSync);
          if (process.env.RADIOSYNC_INTEROP_KEEP) {
            // Keep the logs next to the configs, for a human to read after a run.
            writeFileSync(p('a.log'), a.log());
            writeFileSync(p('b.log'), b.log());
            process.stderr.write(`interop harness: kept ${workDir}\n`);
          } else {
            rmSync(workDir, { recursive: true, force: true });
          }
        })();
        return stopped;
      },
    };
  } catch (err) {
    await Promise.all(children.map(stopChild));
    process.removeListener('exit', killAllSync);
    if (!process.env.RADIOSYNC_INTEROP_KEEP) rmSync(workDir, { recursive: true, force: true });
    throw err;
  }
}
