/**
 * Running an interop scenario inside a private network namespace, so Dire Wolf's listeners (it
 * binds 0.0.0.0) exist on a loopback-only network that nothing outside can reach.
 *
 * How a test gets inside: the test process stays outside and spawns
 *   unshare -n        (as root)          or   unshare -rn  (unprivileged: user + net namespace)
 *     sh -c 'ip link set lo up && exec node --import tsx <scenario.ts> <args…>'
 * `unshare` (util-linux) and `ip` (iproute2) exec in place, so the PID we hold is the scenario's.
 * The scenario starts the harness, does its work over 127.0.0.1, and prints exactly one line
 * `RESULT <json>` on stdout (scenarioMain.ts). The test asserts on that JSON.
 */
import { spawn, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import { inPrivateNetns } from './harness.js';

/** Prefix of the one stdout line that carries a scenario's result. */
export const RESULT_PREFIX = 'RESULT ';
/** Bound on captured stdout/stderr of a scenario (keeps the tail). */
export const MAX_CAPTURE_CHARS = 2_000_000;

export interface ScenarioRun<T> {
  code: number | null;
  signal: string | null;
  stdout: string;
  stderr: string;
  result: T | null;
}

function which(cmd: string): string | null {
  const r = spawnSync('sh', ['-c', `command -v ${cmd}`], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : null;
}

/** Throws, naming the Debian package, when the namespace tools are missing. */
export function checkNetnsTools(): void {
  const missing: string[] = [];
  if (!which('unshare')) missing.push('unshare (Debian package util-linux)');
  if (!which('ip')) missing.push('ip (Debian package iproute2)');
  if (missing.length > 0) throw new Error(`interop: missing ${missing.join(' and ')}`);
}

const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/**
 * Runs `scenario` (a .ts file) with `args` inside a fresh private network namespace and returns
 * its RESULT. `timeoutMs` bounds the whole run: the scenario gets SIGTERM (it stops its harness),
 * then SIGKILL 5 s later.
 */
export function runInPrivateNetns<T>(scenario: string, args: string[], timeoutMs: number): Promise<ScenarioRun<T>> {
  const node = [process.execPath, '--import', 'tsx', scenario, ...args];
  let cmd: string;
  let argv: string[];
  if (inPrivateNetns()) {
    [cmd, ...argv] = node as [string, ...string[]];
  } else {
    checkNetnsTools();
    const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
    cmd = 'unshare';
    argv = [isRoot ? '-n' : '-rn', 'sh', '-c', 'ip link set lo up && exec "$@"', 'sh', ...node];
  }
  return new Promise((resolve, reject) => {
    // The scenario is a plain program, not a test file: drop node:test's child marker.
    const env = { ...process.env };
    delete env.NODE_TEST_CONTEXT;
    const child = spawn(cmd, argv, { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'], env });
    let stdout = '';
    let stderr = '';
    const keep = (s: string) => (s.length > MAX_CAPTURE_CHARS ? s.slice(-MAX_CAPTURE_CHARS) : s);
    child.stdout.on('data', (b: Buffer) => {
      stdout = keep(stdout + b.toString('utf8'));
      if (process.env.RADIOSYNC_INTEROP_VERBOSE) process.stderr.write(b);
    });
    child.stderr.on('data', (b: Buffer) => {
      stderr = keep(stderr + b.toString('utf8'));
      if (process.env.RADIOSYNC_INTEROP_VERBOSE) process.stderr.write(b);
    });
    let killTimer: NodeJS.Timeout | undefined;
    const timer = setTimeout(() => {
      child.kill('SIGTERM');
      killTimer = setTimeout(() => child.kill('SIGKILL'), 5_000);
    }, timeoutMs);
    child.on('error', (err) => {
      clearTimeout(timer);
      reject(new Error(`interop: cannot start ${cmd}: ${err.message}`));
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      clearTimeout(killTimer);
      if (/unshare failed|cannot open .*ns|Operation not permitted/.test(stderr) && !stdout.includes(RESULT_PREFIX)) {
        stderr +=
          '\ninterop: could not create a private network namespace. It needs root with CAP_SYS_ADMIN ' +
          '(docker: --cap-add SYS_ADMIN) or unprivileged user namespaces (sysctl kernel.unprivileged_userns_clone=1).';
      }
      const line = stdout.split('\n').find((l) => l.startsWith(RESULT_PREFIX));
      const result = line ? (JSON.parse(line.slice(RESULT_PREFIX.length)) as T) : null;
      resolve({ code, signal, stdout, stderr, result });
    });
  });
}
