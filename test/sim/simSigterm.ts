/**
 * `radiosync sim` in a child process, stopped with SIGTERM: it exits 0 with a final JSON report
 * and, with pseudo-terminals on (socat: test/interop/simEntryPty.test.ts), removes their links.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export async function simStopsOnSigterm(withPtys: boolean): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'rs-simentry-'));
  const entry = fileURLToPath(new URL('../../src/sim/simEntry.ts', import.meta.url));
  const script = `import { simMain } from ${JSON.stringify(entry)};
process.exitCode = await simMain({ stations: 'A,B', basePort: '0', ptyDir: ${withPtys ? JSON.stringify(dir) : 'false'}, json: true, reportInterval: '0' });`;
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'pipe'] });
  const lines: string[] = [];
  let buf = '';
  const ready = new Promise<void>((resolve) =>
    child.stdout.on('data', (c: Buffer) => {
      buf += c.toString();
      let i: number;
      while ((i = buf.indexOf('\n')) >= 0) {
        lines.push(buf.slice(0, i));
        buf = buf.slice(i + 1);
        if (lines.length === 1) resolve();
      }
    }),
  );
  const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
  const killer = setTimeout(() => child.kill('SIGKILL'), 15_000);
  try {
    await ready;
    const r = JSON.parse(lines[0]!);
    assert.equal(r.event, 'ready');
    assert.equal(existsSync(join(dir, 'A')) && existsSync(join(dir, 'B')), withPtys);
    child.kill('SIGTERM');
    assert.equal(await exited, 0);
    const last = JSON.parse(lines.at(-1)!);
    assert.equal(last.event, 'exit');
    assert.deepEqual(
      last.stations.map((s: { name: string }) => s.name),
      ['A', 'B'],
    );
    assert.ok(!existsSync(join(dir, 'A')) && !existsSync(join(dir, 'B')));
  } finally {
    clearTimeout(killer);
    if (child.exitCode === null) child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  }
}
