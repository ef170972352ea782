import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { renameSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ManualClock } from '../../src/clock/ManualClock.js';
import { FolderWatcher } from '../../src/files/FolderWatcher.js';
import { diffFolder } from '../../src/files/diffFolder.js';
import { formatFolderDiff } from '../../src/files/formatDiff.js';
import { syncOnce } from '../../src/files/FolderReplica.js';
import { bytes, cleanupTemp, makeStation, put, TestClock } from './helpers.js';

after(cleanupTemp);

test('watcher debounces bursts of events into one scan (virtual time)', async () => {
  const clock = new ManualClock();
  let scans = 0;
  const w = new FolderWatcher({ folder: { share: 'x', root: '/nonexistent' }, clock, debounceMs: 2000, onChange: () => void scans++ });
  w.notify();
  clock.advance(1500);
  w.notify();
  clock.advance(1500);
  assert.equal(scans, 0, 'still within the quiet period');
  clock.advance(600);
  await Promise.resolve();
  assert.equal(scans, 1);
  assert.equal(w.events, 2);
});

test('watcher sees a real file change and runs the incremental scan', async () => {
  const tclock = new TestClock();
  const a = makeStation('N0AAA', tclock);
  const clock = new ManualClock();
  let found: string[] = [];
  let scopeSeen: string[] | undefined;
  let scanned!: () => void;
  const done = new Promise<void>((r) => (scanned = r));
  let sawEvent!: () => void;
  const event = new Promise<void>((r) => (sawEvent = r));
  const w = new FolderWatcher({
    folder: { share: 'ops', root: a.root },
    clock,
    onChange: async (scope) => {
      scopeSeen = scope;
      found = (await a.replica.scan({ scope })).changes.map((c) => String(c.fields.path));
      scanned();
    },
  });
  await w.start();
  const orig = w.notify.bind(w);
  w.notify = (path?: string) => {
    orig(path);
    sawEvent();
  };
  writeFileSync(join(a.root, 'new.txt'), 'hello');
  await event;
  clock.advance(5000);
  await done;
  await w.close();
  assert.deepEqual(found, ['new.txt']);
  assert.deepEqual(scopeSeen, ['new.txt'], 'scoped to what changed');
});

test('diffFolder lists added, changed, moved, copied and deleted with bytes on air', async () => {
  const clock = new TestClock();
  const a = makeStation('N0AAA', clock);
  const b = makeStation('N0BBB', clock);
  const big = bytes(200_000, 8);
  put(a.root, 'big.bin', big);
  put(a.root, 'edit.txt', 'one\n'.repeat(500));
  put(a.root, 'old.txt', 'bye');
  await syncOnce(a.replica, b.replica);
  renameSync(join(a.root, 'big.bin'), join(a.root, 'moved.bin'));
  writeFileSync(join(a.root, 'copy.bin'), big);
  put(a.root, 'edit.txt', 'one\n'.repeat(250) + 'two\n' + 'one\n'.repeat(249));
  unlinkSync(join(a.root, 'old.txt'));
  put(a.root, 'added.bin', bytes(10_000, 9));
  await a.set.scan('ops');
  const d = diffFolder(a.set, 'ops', 'N0BBB', b.replica.liveEntries().values());
  const byPath = Object.fromEntries(d.items.map((i) => [i.path, i]));
  // big.bin became two paths with its content: one is the move, the other a copy (either way round)
  const pair = [byPath['copy.bin']!, byPath['moved.bin']!];
  assert.deepEqual(pair.map((i) => i.kind).sort(), ['copied', 'moved']);
  for (const i of pair) {
    assert.equal(i.from, 'big.bin');
    assert.equal(i.contentBytes, 0);
    assert.ok(i.airBytes < 300, `${i.kind} costs ${i.airBytes}`);
  }
  assert.equal(byPath['edit.txt']!.kind, 'changed');
  assert.ok(byPath['edit.txt']!.contentBytes > 0 && byPath['edit.txt']!.airBytes < 400, `edit costs ${byPath['edit.txt']!.airBytes}`);
  assert.equal(byPath['old.txt']!.kind, 'deleted');
  assert.equal(byPath['added.bin']!.kind, 'added');
  assert.ok(byPath['added.bin']!.airBytes >= 10_000, 'random data does not compress');
  const text = formatFolderDiff(d);
  assert.match(text, /^share ops → N0BBB: 1 added, 1 changed, 1 moved, 1 copied, 1 deleted — [\d.]+ kB on air/);
  assert.match(text, /deleted +old\.txt/);
  assert.equal(d.totals.moved + d.totals.copied + d.totals.changed + d.totals.deleted + d.totals.added, 5);
});
