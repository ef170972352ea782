import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { tempDir, makeStation, seedFile, introduce, syncOnce, closeAll, snapshot, assertSameTables, type Station } from './helpers.js';
import { isRadiosyncError } from '../../src/errors/RadiosyncError.js';
import { SAMPLE_TABLES } from '../../fixtures/gen/sampleApp.js';
import type { Changeset } from '../../src/changeset/Changeset.js';
import { uuidToBytes } from '../../src/store/uuid.js';
import { hlcPack } from '../../src/store/hlc.js';

const tmp = tempDir();
let seed = '';
before(() => {
  seed = seedFile(tmp.dir);
});
after(() => tmp.cleanup());

function pair(): [Station, Station];
function pair(names: [string, string, string]): [Station, Station, Station];
function pair(names: string[] = ['A1', 'B2']): Station[] {
  const st = names.map((n) => makeStation(tmp.dir, n, { seedFile: seed }));
  introduce(st);
  return st;
}

const get = (s: Station, sql: string, ...args: unknown[]) => s.app.prepare(sql).get(...args) as Record<string, unknown>;

test('applying the same changeset twice is a no-op', () => {
  const [a, b] = pair();
  a.app.prepare('UPDATE person SET age = 50 WHERE id = 1').run();
  const cs = a.store.buildChangeset('B2');
  const r1 = b.store.applyChangeset(cs);
  assert.equal(r1.applied, 1);
  const snap = snapshot(b!);
  const r2 = b.store.applyChangeset(cs);
  assert.equal(r2.duplicate, true);
  assert.equal(r2.applied, 0);
  // A re-built changeset with the same changes (different hash) is also harmless: every dot is known.
  const r3 = b.store.applyChangeset({ ...cs, created: cs.created + 1 });
  assert.equal(r3.duplicate, false);
  assert.equal(r3.skipped, 1);
  assert.deepEqual(snapshot(b!), snap);
  assert.equal(b.store.peer('A1')!.syncCount, 2);
  closeAll([a!, b!]);
});

test('out-of-order changesets, and a child that arrives before its parent, converge', () => {
  const [a, b] = pair();
  a.app.prepare(`INSERT INTO shelter(uuid, name) VALUES ('c0000000-0000-4000-8000-000000000001', 'Late parent')`).run();
  a.store.capture();
  const sid = (get(a!, `SELECT id FROM shelter WHERE name = 'Late parent'`)['id']) as number;
  a.app.prepare(`INSERT INTO person(uuid, first_name, shelter_id) VALUES ('c0000000-0000-4000-8000-000000000002', 'Early child', ?)`).run(sid);
  a.app.prepare('UPDATE person SET notes = ? WHERE id = 2').run('moved');
  const all = a.store.buildChangeset('B2');
  assert.equal(all.changes.length, 3);
  const first: Changeset = { ...all, changes: all.changes.slice(0, 1), upto: {} };
  const second: Changeset = { ...all, changes: all.changes.slice(1) };
  const r2 = b.store.applyChangeset(second);
  assert.equal(r2.parked, 1, 'the child waits for its parent');
  assert.equal(b.store.parked()[0]!.table, 'person');
  assert.equal(r2.ack['A1'], a.store.versionVector()['A1']! - 3, 'the ack stays contiguous');
  const r1 = b.store.applyChangeset(first);
  assert.equal(r1.parked, 0);
  assert.equal(r1.ack['A1'], a.store.versionVector()['A1']);
  assertSameTables(a!, b!);
  closeAll([a!, b!]);
});

test('concurrent edits: different fields merge, the same field keeps the loser in the conflicts table', () => {
  const [a, b] = pair();
  a.clock.advance(1000);
  a.app.prepare(`UPDATE person SET age = 30, notes = 'from A' WHERE id = 3`).run();
  b.clock.advance(2000);
  b.app.prepare(`UPDATE person SET status = 'found', notes = 'from B' WHERE id = 3`).run();
  syncOnce(a!, b!);
  syncOnce(b!, a!);
  assertSameTables(a!, b!);
  const row = get(a!, 'SELECT age, status, notes FROM person WHERE id = 3');
  assert.deepEqual(row, { age: 30, status: 'found', notes: 'from B' });
  for (const s of [a!, b!]) {
    const c = s.store.conflicts();
    assert.equal(c.length, 1);
    assert.equal(c[0]!.field, 'notes');
    assert.equal(c[0]!.winner.value, 'from B');
    assert.equal(c[0]!.loser.value, 'from A');
  }
  closeAll([a!, b!]);
});

test('an edit after seeing another is not a conflict', () => {
  const [a, b] = pair();
  a.app.prepare(`UPDATE person SET notes = 'v1' WHERE id = 4`).run();
  syncOnce(a!, b!);
  b.app.prepare(`UPDATE person SET notes = 'v2' WHERE id = 4`).run();
  syncOnce(b!, a!);
  assert.equal(get(a!, 'SELECT notes FROM person WHERE id = 4')['notes'], 'v2');
  assert.equal(a.store.conflicts().length + b.store.conflicts().length, 0);
  closeAll([a!, b!]);
});

test('delete vs concurrent edit: the edit wins everywhere, in either order, and the delete is recorded', () => {
  const [a, b, c] = pair(['A1', 'B2', 'C3']);
  const u = get(a!, 'SELECT uuid FROM person WHERE id = 5')['uuid'];
  a.app.prepare('DELETE FROM person WHERE id = 5').run();
  b.app.prepare(`UPDATE person SET age = 77 WHERE id = 5`).run();
  const fromA = a.store.buildChangeset('C3');
  const fromB = b.store.buildChangeset('C3');
  c.store.applyChangeset(fromA);
  assert.equal(get(c!, 'SELECT count(*) AS n FROM person WHERE uuid = ?', u)['n'], 0);
  c.store.applyChangeset(fromB); // the edit resurrects the row, with all its fields
  syncOnce(a!, b!);
  syncOnce(b!, a!);
  for (const s of [a!, b!, c!]) {
    const r = get(s, 'SELECT age, first_name FROM person WHERE uuid = ?', u);
    assert.equal(r['age'], 77, s.name);
    assert.ok(typeof r['first_name'] === 'string' && r['first_name'].length > 0);
    assert.ok(s.store.conflicts().some((x) => x.kind === 'delete' && x.loser.origin === 'A1'), s.name);
  }
  assertSameTables(a!, c!);
  // A delete made after seeing the edit applies.
  b.app.prepare('DELETE FROM person WHERE uuid = ?').run(u);
  syncOnce(b!, a!);
  syncOnce(b!, c!);
  for (const s of [a!, b!, c!]) assert.equal(get(s, 'SELECT count(*) AS n FROM person WHERE uuid = ?', u)['n'], 0);
  closeAll([a!, b!, c!]);
});

test('a peer back from a long absence: stale copies stay deleted, its own concurrent edits win', () => {
  const [a, b, c] = pair(['A1', 'B2', 'C3']);
  const uuids = (
    a.app
      .prepare('SELECT uuid FROM person WHERE id NOT IN (SELECT requester_id FROM supply_request WHERE requester_id IS NOT NULL) ORDER BY id LIMIT 3')
      .all() as Array<{ uuid: string }>
  ).map((r) => r.uuid);
  // C goes away. Meanwhile A deletes three people and B edits many others, over many syncs.
  for (const u of uuids) a.app.prepare('DELETE FROM person WHERE uuid = ?').run(u);
  for (let round = 0; round < 5; round++) {
    a.clock.advance(86_400_000);
    b.clock.advance(86_400_000);
    b.app.prepare('UPDATE person SET age = age + 1 WHERE id BETWEEN 100 AND 120').run();
    syncOnce(a, b);
    syncOnce(b, a);
  }
  // While away, C edited one of the deleted people (it never saw the delete).
  c.app.prepare(`UPDATE person SET notes = 'seen alive at C' WHERE uuid = ?`).run(uuids[1]);
  syncOnce(c, a);
  syncOnce(a, c);
  syncOnce(a, b);
  for (const s of [a, b, c]) {
    const alive = uuids.map((u) => get(s, 'SELECT count(*) AS n FROM person WHERE uuid = ?', u)['n']);
    assert.deepEqual(alive, [0, 1, 0], s.name);
  }
  assertSameTables(a, c);
  assertSameTables(a, b);
  closeAll([a, b, c]);
});

test('a deleted parent: the child reference becomes NULL at every station', () => {
  const [a, b] = pair();
  a.app.prepare(`INSERT INTO person(uuid, first_name) VALUES ('e0000000-0000-4000-8000-000000000001', 'Short-lived')`).run();
  syncOnce(a!, b!);
  const pidB = get(b!, `SELECT id FROM person WHERE first_name = 'Short-lived'`)['id'];
  b.app.prepare(`INSERT INTO supply_request(uuid, requester_id, item, quantity) VALUES ('e0000000-0000-4000-8000-000000000002', ?, 'tea', 3)`).run(pidB);
  a.app.prepare(`DELETE FROM person WHERE first_name = 'Short-lived'`).run();
  syncOnce(a!, b!);
  syncOnce(b!, a!);
  assertSameTables(a!, b!);
  for (const s of [a!, b!]) {
    assert.equal(get(s, `SELECT requester_id FROM supply_request WHERE item = 'tea'`)['requester_id'], null);
  }
  closeAll([a!, b!]);
});

test('soft-delete table: an application DELETE becomes deleted = 1 at the origin and everywhere', () => {
  const [a, b] = pair();
  const u = get(a!, 'SELECT uuid FROM shelter WHERE id = 5')['uuid'];
  a.app.prepare('DELETE FROM shelter WHERE id = 5').run();
  assert.equal(get(a!, 'SELECT deleted FROM shelter WHERE uuid = ?', u)['deleted'], 1);
  const r = syncOnce(a!, b!);
  assert.equal(r.applied, 1);
  assert.equal(get(b!, 'SELECT deleted FROM shelter WHERE uuid = ?', u)['deleted'], 1);
  assert.ok((get(b!, 'SELECT count(*) AS n FROM person WHERE shelter_id = 5')['n'] as number) > 0, 'children keep their reference');
  assertSameTables(a!, b!);
  closeAll([a!, b!]);
});

test('per-table policy: master station wins concurrent edits', () => {
  const tables = SAMPLE_TABLES.map((t) => (t.name === 'person' ? { ...t, policy: { master: 'A1' } } : t));
  const st = ['A1', 'B2'].map((n) => makeStation(tmp.dir, n, { seedFile: seed, extra: { tables } }));
  introduce(st);
  const [a, b] = st;
  a!.app.prepare(`UPDATE person SET notes = 'master' WHERE id = 6`).run();
  b!.clock.advance(60_000); // B is newer, but A is the master
  b!.app.prepare(`UPDATE person SET notes = 'field' WHERE id = 6`).run();
  syncOnce(a!, b!);
  syncOnce(b!, a!);
  for (const s of st) assert.equal(get(s, 'SELECT notes FROM person WHERE id = 6')['notes'], 'master');
  assert.equal(b!.store.conflicts()[0]!.policy, 'master:A1');
  closeAll(st);
});

test('per-table policy: a custom resolver decides (here: the larger quantity)', () => {
  const tables = SAMPLE_TABLES.map((t) => (t.name === 'supply_request' ? { ...t, policy: 'custom' as const } : t));
  const resolvers = { supply_request: (c: readonly { value: unknown }[]) => (Number(c[0]!.value) >= Number(c[1]!.value) ? 0 : 1) };
  const st = ['A1', 'B2'].map((n) => makeStation(tmp.dir, n, { seedFile: seed, extra: { tables, resolvers } }));
  introduce(st);
  const [a, b] = st;
  const u = get(a!, `SELECT uuid FROM supply_request WHERE status = 'open' LIMIT 1`)['uuid'];
  b!.clock.advance(5000);
  a!.app.prepare('UPDATE supply_request SET quantity = 900 WHERE uuid = ?').run(u);
  b!.app.prepare('UPDATE supply_request SET quantity = 10 WHERE uuid = ?').run(u);
  syncOnce(a!, b!);
  syncOnce(b!, a!);
  for (const s of st) assert.equal(get(s, 'SELECT quantity FROM supply_request WHERE uuid = ?', u)['quantity'], 900);
  closeAll(st);
});

test('unknown tables and columns pass through: held, relayed, never written', () => {
  const [a, b, c] = pair(['A1', 'B2', 'C3']);
  const id = uuidToBytes(get(a!, 'SELECT uuid FROM person WHERE id = 9')['uuid'] as string);
  const before = snapshot(b!);
  const cs: Changeset = {
    version: 1, from: 'Z9', to: ['B2'], created: Date.now(), upto: {}, chunks: [],
    changes: [
      { table: 'vehicle', id: new Uint8Array(16).fill(7), origin: 'Z9', seq: 1, hlc: hlcPack(Date.now()), kind: 'upsert', fields: { plate: 'BA 1 PA' } },
      { table: 'person', id, origin: 'Z9', seq: 2, hlc: hlcPack(Date.now()), kind: 'upsert', fields: { favourite_colour: 'blue', age: 33 }, ctx: { A1: 9999 } },
    ],
  };
  const r = b.store.applyChangeset(cs);
  assert.deepEqual(r.passThrough, ['person.favourite_colour', 'vehicle']);
  assert.equal(get(b!, 'SELECT age FROM person WHERE id = 9')['age'], 33);
  const after = snapshot(b!);
  assert.equal(JSON.stringify(after).includes('blue'), false);
  assert.notDeepEqual(after, before);
  const relayed = b.store.buildChangeset('C3');
  assert.equal(relayed.changes.filter((x) => x.origin === 'Z9').length, 2);
  closeAll([a!, b!, c!]);
});

test('a reference that is not a UUID on the wire is never written as a local id', () => {
  const [a, b] = pair();
  const id = uuidToBytes(get(a, 'SELECT uuid FROM person WHERE id = 15')['uuid'] as string);
  const before = get(b, 'SELECT shelter_id FROM person WHERE id = 15')['shelter_id'];
  const cs: Changeset = {
    version: 1, from: 'Z9', to: ['B2'], created: Date.now(), upto: {}, chunks: [],
    changes: [{ table: 'person', id, origin: 'Z9', seq: 1, hlc: hlcPack(Date.now() + 1000), kind: 'upsert', fields: { shelter_id: 1, age: 44 }, ctx: { A1: 99999 } }],
  };
  const r = b.store.applyChangeset(cs);
  assert.deepEqual(r.passThrough, ['person.shelter_id']);
  assert.deepEqual(get(b, 'SELECT shelter_id, age FROM person WHERE id = 15'), { shelter_id: before, age: 44 });
  closeAll([a, b]);
});

test('a database locked by the application past the busy timeout gives a typed, retryable error', () => {
  const [a, b] = pair();
  a.app.prepare('UPDATE person SET age = 3 WHERE id = 16').run();
  const cs = a.store.buildChangeset('B2');
  b.store.db.pragma('busy_timeout = 20');
  b.app.exec('BEGIN IMMEDIATE');
  assert.throws(() => b.store.applyChangeset(cs), (e) => isRadiosyncError(e, 'RS_ERR_STORE_BUSY'));
  b.app.exec('COMMIT');
  assert.equal(b.store.applyChangeset(cs).applied, 1);
  closeAll([a, b]);
});

test('a malformed change refuses its origin\'s run (recorded, shown by refused()) and leaves the database unchanged', () => {
  const [a, b] = pair();
  a.app.prepare('UPDATE person SET age = 1 WHERE id = 10').run();
  const cs = a.store.buildChangeset('B2');
  const before = snapshot(b!);
  const vvBefore = b.store.versionVector();
  const bad: Changeset = { ...cs, changes: [...cs.changes, { ...cs.changes[0]!, seq: 0 }] };
  const r = b.store.applyChangeset(bad);
  assert.deepEqual(r.refused.map((x) => [x.origin, x.code, x.rows]), [['A1', 'RS_ERR_STORE_BAD_CHANGE', cs.changes.length + 1]]);
  assert.equal(r.applied, 0);
  assert.equal(b.store.refused()[0]!.code, 'RS_ERR_STORE_BAD_CHANGE');
  assert.throws(() => b.store.applyChangeset({ ...cs, version: 2 as 1 }), (e) => isRadiosyncError(e, 'RS_ERR_STORE_SCHEMA_VERSION'));
  assert.deepEqual(snapshot(b!), before);
  assert.deepEqual(b.store.versionVector(), vvBefore);
  closeAll([a!, b!]);
});

test('peers table: acknowledgements only move forward; owner, contact and key are kept', () => {
  const [a, b] = pair();
  a.store.upsertPeer({ station: 'B2', owner: 'Kathmandu EOC', contact: '145.500 MHz', publicKey: new Uint8Array([1, 2, 3]) });
  a.store.acknowledge('B2', { A1: 5, C3: 9 });
  a.store.acknowledge('B2', { A1: 3 });
  const p = a.store.peer('B2')!;
  assert.equal(p.acked['C3'], 9);
  assert.ok(p.acked['A1']! >= 5);
  assert.equal(p.owner, 'Kathmandu EOC');
  assert.deepEqual([...p.publicKey!], [1, 2, 3]);
  closeAll([a!, b!]);
});

test('a tombstone the log does not explain (a row deleted here before it was ever captured) is cleared when a peer brings the row', () => {
  const [a, b] = pair();
  const uuid = 'aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee';
  // B: the row exists for a moment and is deleted before any capture, so it never reaches the log
  b.app.prepare("INSERT INTO person (uuid, first_name) VALUES (?, 'Brief')").run(uuid);
  b.app.prepare('DELETE FROM person WHERE uuid = ?').run(uuid);
  b.store.capture();
  const tomb = () => b.app.prepare("SELECT count(*) AS n FROM radiosync_tombstone WHERE tbl = 'person' AND id = ?").get(Buffer.from(uuidToBytes(uuid, ''))) as { n: number };
  assert.equal(tomb().n, 1, 'the audit image was kept');
  // A has a row with the same UUID (made elsewhere, e.g. copied in): B takes it and the tombstone goes
  a.app.prepare("INSERT INTO person (uuid, first_name) VALUES (?, 'Back')").run(uuid);
  b.store.applyChangeset(a.store.buildChangeset('B2'));
  assert.equal(get(b, 'SELECT first_name FROM person WHERE uuid = ?', uuid)['first_name'], 'Back');
  assert.equal(tomb().n, 0, 'no stale tombstone for a live row');
  closeAll([a, b]);
});
