/**
 * A REAL pseudo-terminal pair for serial tests:
 *
 *   socat -d -d pty,raw,echo=0 pty,raw,echo=0
 *
 * socat prints "N PTY is /dev/pts/X" twice on stderr, then "starting data transfer loop". We parse
 * the two paths and, afterwards, kill exactly that socat process by its pid.
 */
import { spawn } from 'node:child_process';

export interface PtyPair {
  paths: [string, string];
  pid: number;
  close(): Promise<void>;
}

export function openPtyPair(): Promise<PtyPair> {
  const child = spawn('socat', ['-d', '-d', 'pty,raw,echo=0', 'pty,raw,echo=0'], { stdio: ['ignore', 'ignore', 'pipe'] });
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  return new Promise((resolve, reject) => {
    const paths: string[] = [];
    let err = '';
    child.once('error', reject);
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (text: string) => {
      err += text;
      for (const m of text.matchAll(/PTY is (\/dev\/\S+)/g)) paths.push(m[1]!);
      if (paths.length === 2 && /starting data transfer loop/.test(err)) {
        child.stderr.removeAllListeners('data');
        child.stderr.resume();
        resolve({
          paths: [paths[0]!, paths[1]!],
          pid: child.pid!,
          close: async () => {
            if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
            await exited;
          },
        });
      }
    });
    child.once('exit', (code) => reject(new Error(`socat exited (${code}) before the ptys were ready: ${err}`)));
  });
}
