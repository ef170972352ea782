import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cleanTemps, safeWriteFile } from '../../src/files/safeWrite.js';
import { cleanupTemp, tempDir } from './helpers.js';

after(cleanupTemp);

const SIZE = 1 << 20;
const child = new URL('./killWriter.child.ts', import.meta.url).pathname;

/** Run the slow writer and SIGKILL it after `afterLines` progress lines (or let it finish). */
function runAndKill(target: string, afterLines: number | 'never'): Promise<void> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, ['--import', 'tsx', child, target, String(SIZE)], { stdio: ['ignore', 'pipe', 'inherit'] });
    let lines = 0;
    p.stdout.setEncoding('utf8');
    p.stdout.on('data', (d: string) => {
      lines += d.split('\n').filter(Boolean).length;
      if (afterLines !== 'never' && lines >= afterLines) p.kill('SIGKILL');
    });
    p.on('error', reject);
    p.on('exit', () => resolve());
  });
}

for (const k of [1, 8, 'never'] as const) {
  test(`a SIGKILL during a safe write (after ${k} pieces) leaves the old or the new file, never a torn one`, async () => {
    const dir = tempDir('kill');
    const target = join(dir, 'report.bin');
    const old = Buffer.alloc(SIZE, 0x4f);
    writeFileSync(target, old);
    await runAndKill(target, k);
    const now = readFileSync(target);
    const isOld = now.equals(old);
    const isNew = now.equals(Buffer.alloc(SIZE, 0x4e));
    assert.ok(isOld || isNew, 'target is old or new');
    if (k === 1) assert.ok(isOld, 'killed early: still the old file');
    if (k === 'never') assert.ok(isNew, 'finished: the new file');
    const temps = readdirSync(dir).filter((n) => n.startsWith('.radiosync-tmp-'));
    if (k !== 'never') assert.equal(temps.length, 1, 'a temp file is left behind');
    assert.equal(cleanTemps(dir), temps.length);
    assert.deepEqual(readdirSync(dir), ['report.bin'], 'temp cleaned on the next run');
  });
}

test('a failed re-check removes the temp file and keeps the target', async () => {
  const dir = tempDir('check');
  const target = join(dir, 'a.txt');
  writeFileSync(target, 'mine');
  const r = await safeWriteFile(target, [new Uint8Array([1, 2, 3])], { mode: 0o644, mtime: 0, check: () => false });
  assert.equal(r, 'target-changed');
  assert.equal(readFileSync(target, 'utf8'), 'mine');
  assert.deepEqual(readdirSync(dir), ['a.txt']);
  const r2 = await safeWriteFile(target, [new Uint8Array([1]), undefined], { mode: 0o644, mtime: 0, check: () => true });
  assert.equal(r2, 'source-failed');
  assert.deepEqual(readdirSync(dir), ['a.txt']);
});
