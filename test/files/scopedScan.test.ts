import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { ManualClock } from '../../src/clock/ManualClock.js';
import { FolderWatcher } from '../../src/files/FolderWatcher.js';
import { WATCH_SCOPE_MAX } from '../../src/files/limits.js';
import { cleanupTemp, makeStation, put, TestClock } from './helpers.js';

after(cleanupTemp);

function summary(r: { changes: Array<{ kind: string }>; paths: string[] }): string[] {
  return r.paths.map((p, i) => `${r.changes[i]!.kind} ${p}`).sort();
}

test('a scoped scan looks only at the given paths, including new parents and deletes under them', async () => {
  const clock = new TestClock();
  const a = makeStation('N0AAA', clock);
  put(a.root, 'a.txt', '1');
  put(a.root, 'd/b.txt', '1');
  put(a.root, 'e/c.txt', '1');
  put(a.root, 'd2/z.txt', 'sibling with a common prefix');
  put(a.root, 'd-x.txt', 'another');
  await a.set.scan('ops');
  put(a.root, 'd/b.txt', '22');
  put(a.root, 'e/c.txt', '22');
  assert.deepEqual(summary(await a.set.scan('ops', { scope: ['d', 'd/b.txt'] })), ['upsert d/b.txt']);
  put(a.root, 'n1/n2/new.txt', 'new');
  assert.deepEqual(summary(await a.set.scan('ops', { scope: ['n1/n2/new.txt'] })), ['upsert n1', 'upsert n1/n2', 'upsert n1/n2/new.txt']);
  rmSync(join(a.root, 'd'), { recursive: true });
  assert.deepEqual(summary(await a.set.scan('ops', { scope: ['d'] })), ['delete d', 'delete d/b.txt']);
  assert.deepEqual(summary(await a.set.scan('ops')), ['upsert e/c.txt'], 'the full scan finds what the scope left out');
  assert.deepEqual(summary(await a.set.scan('ops', { scope: ['/'] })), [], "'' or '/' means everything");
});

test('the watcher hands the changed paths to the scan, and asks for a full scan when it must', async () => {
  const clock = new ManualClock();
  const scopes: Array<string[] | undefined> = [];
  const settle = (): Promise<void> => new Promise((r) => setImmediate(r));
  const w = new FolderWatcher({ folder: { share: 'x', root: '/nonexistent' }, clock, debounceMs: 100, onChange: (s) => void scopes.push(s) });
  w.notify('forms/a.txt');
  w.notify('forms/b.txt');
  clock.advance(200);
  await settle();
  w.notify('.radiosyncignore');
  w.notify('forms/c.txt');
  clock.advance(200);
  await settle();
  for (let i = 0; i <= WATCH_SCOPE_MAX; i++) w.notify(`many/${i}`);
  clock.advance(200);
  await settle();
  w.notify('x');
  clock.advance(200);
  await settle();
  assert.deepEqual(scopes, [['forms/a.txt', 'forms/b.txt'], undefined, undefined, ['x']]);
});
