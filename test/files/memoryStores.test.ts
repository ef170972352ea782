/**
 * The memory folder stores are drop-in: the same folder scenarios run over MemoryFilesDb +
 * MemoryChunkStore and over the SQLite stores send the same chunks and leave the same trees.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, renameSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { syncOnce } from '../../src/files/FolderReplica.js';
import { bytes, cleanupTemp, makeStation, put, snapshot, TestClock } from './helpers.js';

after(cleanupTemp);

type Stores = 'sqlite' | 'memory';

/** A tree, a 1 KB edit in a 1 MB file, a rename, concurrent edits: what was sent and what is on disk. */
async function scenario(stores: Stores): Promise<{ sent: number[]; a: Record<string, string>; b: Record<string, string>; shelter: string }> {
  const clock = new TestClock();
  const a = makeStation('N0AAA', clock, { stores });
  const b = makeStation('N0BBB', clock, { stores });
  const sent: number[] = [];
  const both = async (): Promise<void> => {
    sent.push((await syncOnce(a.replica, b.replica)).bundle.chunks.length);
    sent.push((await syncOnce(b.replica, a.replica)).bundle.chunks.length);
  };
  put(a.root, 'reports/2026/week-02.md', '# Week 2\n');
  put(a.root, 'bin/relay.sh', '#!/bin/sh\n', 0o755);
  put(a.root, '报告/日报.txt', '天气晴');
  mkdirSync(join(a.root, 'inbox/empty'), { recursive: true });
  symlinkSync('../reports/2026/week-02.md', join(a.root, 'bin/latest'));
  const big = bytes(1 << 20, 22);
  put(a.root, 'big.bin', big);
  await both();
  const edited = big.slice();
  edited.set(bytes(1024, 9), 500_000);
  put(a.root, 'big.bin', edited);
  await both();
  renameSync(join(a.root, 'big.bin'), join(a.root, 'renamed.bin'));
  await both();
  put(a.root, 'forms/shelter.txt', 'beds: 10\n');
  await both();
  put(a.root, 'forms/shelter.txt', 'beds: 12 (from A)\n');
  await a.replica.scan();
  clock.advance(60_000);
  put(b.root, 'forms/shelter.txt', 'beds: 9 (from B)\n');
  await b.replica.scan();
  for (let i = 0; i < 3; i++) await both();
  assert.deepEqual(readFileSync(join(b.root, 'renamed.bin')), Buffer.from(edited), `${stores}: content arrived`);
  return { sent, a: snapshot(a.root), b: snapshot(b.root), shelter: readFileSync(join(b.root, 'forms/shelter.txt'), 'utf8') };
}

test('memory and SQLite folder stores send the same chunks and converge to the same trees', async () => {
  const sqlite = await scenario('sqlite');
  const memory = await scenario('memory');
  assert.deepEqual(memory.a, memory.b, 'memory stations converge');
  assert.deepEqual(sqlite.a, sqlite.b, 'SQLite stations converge');
  // mtimes differ between the runs (put() hands out ever later ones); everything else must not
  const noTimes = (t: Record<string, string>) => Object.fromEntries(Object.entries(t).map(([k, v]) => [k, v.replace(/:\d{10,}(?=:|$)/g, ':T')]));
  assert.deepEqual(noTimes(memory.b), noTimes(sqlite.b), 'same tree either way');
  assert.deepEqual(memory.sent, sqlite.sent, 'same chunks sent in every exchange');
  assert.ok(sqlite.sent[0]! > 200, `the first exchange carries the 1 MB file (${sqlite.sent[0]} chunks)`);
  assert.ok(sqlite.sent[2]! >= 1 && sqlite.sent[2]! <= 6, `a 1 KB edit sends a few chunks (${sqlite.sent[2]})`);
  assert.equal(sqlite.sent[4], 0, 'a rename sends no content');
  assert.equal(memory.shelter, 'beds: 9 (from B)\n', 'later edit wins');
});
