/**
 * Clocks taken at edit time: the capture triggers record when the application wrote, and a
 * change's HLC is that time, not the (later) capture. "newer" then means the later edit.
 * These stores run on the system clock (the triggers read SQLite's clock, the same one); the
 * waits only order the edits, nothing asserts a duration.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { RecordStore } from '../../src/store/RecordStore.js';
import { hlcWallMs } from '../../src/store/hlc.js';
import { ManualClock } from '../../src/clock/ManualClock.js';
import { tempDir } from './helpers.js';

const U1 = '00000000-0000-4000-8000-000000000001';

function wait(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

function station(dir: string, name: string, seed?: string, clock?: ManualClock): { store: RecordStore; app: Database.Database; file: string } {
  const file = join(dir, `${name}.sqlite`);
  const app = new Database(file);
  if (seed === undefined) {
    app.exec('CREATE TABLE item(id INTEGER PRIMARY KEY, uuid TEXT UNIQUE, age INTEGER, note TEXT)');
    app.prepare('INSERT INTO item(uuid, age, note) VALUES (?, 20, ?)').run(U1, 'first');
  } else {
    app.exec(`ATTACH '${seed}' AS s; CREATE TABLE item AS SELECT * FROM s.item WHERE 0; DETACH s`);
  }
  const store = RecordStore.init(file, { station: name, tables: [{ name: 'item' }], ...(clock ? { clock } : {}) });
  return { store, app, file };
}

function lastHlc(st: { app: Database.Database }, origin: string): bigint {
  const r = st.app.prepare('SELECT hlc FROM radiosync_log WHERE origin = ? ORDER BY seq DESC LIMIT 1').safeIntegers(true).get(origin) as { hlc: bigint };
  return r.hlc;
}

test('the change is stamped when the application wrote, not when radiosync captured it', async (t) => {
  const tmp = tempDir();
  t.after(tmp.cleanup);
  const a = station(tmp.dir, 'A1');
  t.after(() => (a.store.close(), a.app.close()));
  const before = Date.now();
  a.app.prepare('UPDATE item SET age = 21 WHERE uuid = ?').run(U1);
  const wrote = Date.now();
  await wait(60);
  const capturedAt = Date.now();
  assert.equal(a.store.capture().changes, 1);
  const wall = hlcWallMs(lastHlc(a, 'A1'));
  assert.ok(wall >= before - 2 && wall <= wrote + 2, `stamp ${wall} within the write [${before}, ${wrote}], not at capture ${capturedAt}`);
});

test('several writes between two captures are one change, stamped with the last write', async (t) => {
  const tmp = tempDir();
  t.after(tmp.cleanup);
  const a = station(tmp.dir, 'A1');
  t.after(() => (a.store.close(), a.app.close()));
  a.store.capture();
  const seqBefore = a.store.versionVector()['A1'];
  a.app.prepare('UPDATE item SET age = 30 WHERE uuid = ?').run(U1);
  await wait(30);
  const lastFrom = Date.now();
  a.app.prepare("UPDATE item SET note = 'second' WHERE uuid = ?").run(U1);
  const lastTo = Date.now();
  await wait(30);
  assert.equal(a.store.capture().changes, 1);
  assert.equal(a.store.versionVector()['A1'], seqBefore! + 1);
  const cs = a.store.buildChangeset('B2');
  const last = cs.changes[cs.changes.length - 1]!;
  assert.deepEqual(last.kind === 'upsert' ? last.fields : {}, { age: 30, note: 'second' });
  const wall = hlcWallMs(lastHlc(a, 'A1'));
  assert.ok(wall >= lastFrom - 2 && wall <= lastTo + 2, `stamp ${wall} is the last write's [${lastFrom}, ${lastTo}]`);
});

test('a same-field conflict is won by the later edit, even when the earlier edit is captured (exported) later', async (t) => {
  const tmp = tempDir();
  t.after(tmp.cleanup);
  const a = station(tmp.dir, 'A1');
  const b = station(tmp.dir, 'B2', a.file);
  t.after(() => (a.store.close(), a.app.close(), b.store.close(), b.app.close()));
  b.store.applyChangeset(a.store.buildChangeset('B2'));
  assert.deepEqual(b.app.prepare('SELECT age FROM item').get(), { age: 20 });
  // A edits first (age = 22), B a moment later (age = 23); B exports first, A a while after
  a.app.prepare('UPDATE item SET age = 22 WHERE uuid = ?').run(U1);
  await wait(40);
  b.app.prepare('UPDATE item SET age = 23 WHERE uuid = ?').run(U1);
  const fromB = b.store.buildChangeset('A1');
  await wait(40);
  const fromA = a.store.buildChangeset('B2');
  a.store.applyChangeset(fromB);
  b.store.applyChangeset(fromA);
  assert.deepEqual(a.app.prepare('SELECT age FROM item').get(), { age: 23 }, 'A: the later edit wins');
  assert.deepEqual(b.app.prepare('SELECT age FROM item').get(), { age: 23 }, 'B: the later edit wins');
  assert.equal(a.store.conflicts().length, 1);
  assert.equal(a.store.conflicts()[0]!.loser.value, 22);
});

test('an edit time ahead of the store clock is taken as the store clock (virtual time behind the wall clock)', (t) => {
  const tmp = tempDir();
  t.after(tmp.cleanup);
  const T = Date.UTC(2020, 0, 1);
  const clock = new ManualClock(T);
  const a = station(tmp.dir, 'A1', undefined, clock);
  t.after(() => (a.store.close(), a.app.close()));
  clock.advance(5000);
  a.app.prepare('UPDATE item SET age = 40 WHERE uuid = ?').run(U1);
  a.store.capture();
  assert.equal(hlcWallMs(lastHlc(a, 'A1')), T + 5000);
});
