import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { tempDir, makeStation, seedFile, introduce, syncOnce, closeAll, assertSameTables, T0, type Station } from './helpers.js';
import { ManualClock } from '../../src/clock/ManualClock.js';
import { MAX_CLOCK_DRIFT_MS } from '../../src/store/limits.js';
import { hlcWallMs } from '../../src/store/hlc.js';

const DAY = 86_400_000;
const tmp = tempDir();
let seed = '';
before(() => {
  seed = seedFile(tmp.dir);
});
after(() => tmp.cleanup());

function trio(offsets: [number, number, number]): [Station, Station, Station] {
  const st = ['A1', 'B2', 'C3'].map((n, i) => makeStation(tmp.dir, n, { seedFile: seed, clock: new ManualClock(T0 + offsets[i]!) }));
  introduce(st);
  return st as [Station, Station, Station];
}

const notes = (s: Station, id: number) => (s.app.prepare('SELECT notes FROM person WHERE id = ?').get(id) as { notes: string }).notes;
const localHlcWall = (s: Station) =>
  hlcWallMs((s.store.db.prepare(`SELECT value FROM radiosync_meta WHERE key = 'hlc'`).safeIntegers(true).get() as { value: bigint }).value);

test('a station 3 days ahead is flagged, does not drag other clocks, and loses to edits made after seeing its own', () => {
  const [a, b, c] = trio([0, 3 * DAY, 0]);
  b.app.prepare(`UPDATE person SET notes = 'from the future' WHERE id = 11`).run();
  const r = syncOnce(b, a);
  assert.deepEqual(r.clockFlags.map((f) => [f.station, f.flag]), [['B2', 'ahead']]);
  const flagged = a.store.peer('B2')!;
  assert.equal(flagged.clockFlag, 'ahead');
  assert.ok(Math.abs(flagged.clockOffsetMs! - 3 * DAY) < 60_000);
  assert.ok(localHlcWall(a) <= a.clock.now() + MAX_CLOCK_DRIFT_MS + 1, 'A\'s clock stays within the bound');
  // A saw B's edit; A's later edit must win everywhere although A's wall clock is 3 days behind B's stamps.
  a.clock.advance(1000);
  a.app.prepare(`UPDATE person SET notes = 'corrected' WHERE id = 11`).run();
  syncOnce(a, b);
  syncOnce(a, c);
  syncOnce(b, c);
  for (const s of [a, b, c]) assert.equal(notes(s, 11), 'corrected', s.name);
  assert.equal(a.store.conflicts().length + b.store.conflicts().length + c.store.conflicts().length, 0);
  // Other stations keep stamping their own, unrelated edits with their own clocks.
  a.app.prepare(`UPDATE person SET notes = 'unrelated' WHERE id = 12`).run();
  const cs = a.store.buildChangeset('C3');
  assert.ok(hlcWallMs(cs.changes.at(-1)!.hlc) <= a.clock.now() + MAX_CLOCK_DRIFT_MS);
  closeAll([a, b, c]);
});

test('a station 3 days behind is flagged when it relays, and its edits after seeing others still win', () => {
  const [a, b, c] = trio([0, 0, -3 * DAY]);
  a.app.prepare(`UPDATE person SET notes = 'from A' WHERE id = 13`).run();
  syncOnce(a, c);
  c.app.prepare(`UPDATE person SET notes = 'C saw A' WHERE id = 13`).run();
  const r = syncOnce(c, b); // C relays A's change with its own, from a clock 3 days behind
  assert.ok(r.clockFlags.some((f) => f.station === 'C3' && f.flag === 'behind'));
  assert.equal(b.store.peer('C3')!.clockFlag, 'behind');
  syncOnce(b, a);
  syncOnce(c, a);
  for (const s of [a, b, c]) assert.equal(notes(s, 13), 'C saw A', s.name);
  assertSameTables(a, c);
  closeAll([a, b, c]);
});

test('concurrent edits with a skewed clock still resolve the same way everywhere, and the loser is kept', () => {
  const [a, b, c] = trio([0, 3 * DAY, -3 * DAY]);
  a.app.prepare(`UPDATE person SET age = 1 WHERE id = 14`).run();
  b.app.prepare(`UPDATE person SET age = 2 WHERE id = 14`).run();
  c.app.prepare(`UPDATE person SET age = 3 WHERE id = 14`).run();
  for (const [x, y] of [[a, b], [b, c], [c, a], [a, b], [b, c]] as Array<[Station, Station]>) {
    syncOnce(x, y);
    syncOnce(y, x);
  }
  assertSameTables(a, b);
  assertSameTables(a, c);
  for (const s of [a, b, c]) assert.equal(s.store.conflicts().filter((x) => x.field === 'age').length, 2, s.name);
  closeAll([a, b, c]);
});
