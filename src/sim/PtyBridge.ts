/**
 * A pseudo-terminal bridged to a TCP port, so serial-port code can talk to a simulated TNC:
 *
 *   socat PTY,link=<path>,raw,echo=0 TCP:127.0.0.1:<port>
 *
 * socat opens a pty, links `<path>` to its slave side and connects the master side to the
 * station's KISS TCP port. A serial client may open and close the path any number of times (socat
 * 1.7/1.8 keeps the master open across slave closes). Should socat end anyway (the hub's TCP side
 * dropped, a signal), the bridge starts it again after {@link PTY_RESTART_DELAY_MS}, so the path
 * stays usable, as a real serial TNC's device node does. Only the socat processes this class spawned are ever killed,
 * by their own pid.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { lstat } from 'node:fs/promises';
import { makeError } from '../errors/RadiosyncError.js';
import { SIM_ERRORS } from './errors.js';

/** How long to wait for socat to create the pty link: 5 s (it normally takes a few ms). */
export const PTY_READY_TIMEOUT_MS = 5000;
/** Pause before restarting socat after it exits (a client closed the pty): 200 ms. */
export const PTY_RESTART_DELAY_MS = 200;
/** How long to wait for socat to exit after SIGTERM before SIGKILL: 2 s. */
export const PTY_KILL_TIMEOUT_MS = 2000;

async function exists(path: string): Promise<boolean> {
  try {
    await lstat(path);
    return true;
  } catch {
    return false;
  }
}

const delay = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export class PtyBridge {
  private child: ChildProcess | undefined;
  private stopped = false;
  private restartTimer: NodeJS.Timeout | undefined;
  /** Times socat was (re)started. */
  starts = 0;

  constructor(
    readonly path: string,
    readonly tcpHost: string,
    readonly tcpPort: number,
    private readonly socatPath = 'socat',
  ) {}

  /** Start socat and wait until the pty link exists. Throws RS_ERR_SIM_PTY_FAILED. */
  async start(): Promise<void> {
    if (await exists(this.path)) {
      throw makeError(SIM_ERRORS, 'RS_ERR_SIM_PTY_FAILED', `pty path ${this.path} already exists (another hub running?)`, { path: this.path });
    }
    let failure: Error | undefined;
    this.spawnOnce((err) => (failure = err));
    const deadline = Date.now() + PTY_READY_TIMEOUT_MS;
    while (!(await exists(this.path))) {
      if (failure !== undefined || Date.now() > deadline) {
        await this.stop();
        throw makeError(SIM_ERRORS, 'RS_ERR_SIM_PTY_FAILED', `socat did not create ${this.path}: ${failure?.message ?? 'timeout'}`, { path: this.path }, failure);
      }
      await delay(20);
    }
  }

  /** Pid of the running socat, if any. */
  get pid(): number | undefined {
    return this.child?.pid;
  }

  private spawnOnce(onError?: (err: Error) => void): void {
    const child = spawn(this.socatPath, [`PTY,link=${this.path},raw,echo=0`, `TCP:${this.tcpHost}:${this.tcpPort}`], {
      stdio: ['ignore', 'ignore', 'ignore'],
    });
    this.child = child;
    this.starts++;
    child.on('error', (err) => onError?.(err));
    child.on('exit', () => {
      if (this.child === child) this.child = undefined;
      if (!this.stopped) this.restartTimer = setTimeout(() => !this.stopped && this.spawnOnce(), PTY_RESTART_DELAY_MS);
    });
  }

  /** Kill the socat this bridge started (SIGTERM, then SIGKILL) and stop restarting it. Idempotent. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.restartTimer !== undefined) clearTimeout(this.restartTimer);
    const child = this.child;
    if (child === undefined || child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
    const exited = new Promise<void>((r) => child.once('exit', () => r()));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), PTY_KILL_TIMEOUT_MS);
    await exited;
    clearTimeout(timer);
  }
}
