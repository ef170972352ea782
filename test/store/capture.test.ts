import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import Database from 'better-sqlite3';
import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir, makeStation, seedFile, introduce, syncOnce, closeAll, snapshot } from './helpers.js';
import { RecordStore } from '../../src/store/RecordStore.js';
import { isRadiosyncError } from '../../src/errors/RadiosyncError.js';
import { SAMPLE_PATH, TRAINING_SHELTER_UUID } from '../../fixtures/gen/sampleApp.js';
import { bytesToUuid } from '../../src/store/uuid.js';

const tmp = tempDir();
let seed = '';
before(() => {
  seed = seedFile(tmp.dir);
});
after(() => tmp.cleanup());

test('init snapshots the existing rows, minus excluded ones, as this station\'s inserts', () => {
  const a = makeStation(tmp.dir, 'A1', { seedFile: seed });
  const count = (sql: string) => (a.app.prepare(sql).get() as { n: number }).n;
  const expected =
    count('SELECT count(*) AS n FROM shelter') - 1 + // training shelter has a fixed UUID: excluded
    count('SELECT count(*) AS n FROM person') +
    count(`SELECT count(*) AS n FROM supply_request WHERE status <> 'draft'`);
  assert.equal(a.store.versionVector()['A1'], expected);
  const triggers = count(`SELECT count(*) AS n FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'radiosync_%'`);
  assert.equal(triggers, 9);
  // Running init again changes nothing.
  a.store.close();
  a.store = RecordStore.init(a.file, { station: 'A1', tables: a.store.tables().map((t) => t.options) });
  assert.equal(a.store.versionVector()['A1'], expected);
  closeAll([a]);
});

test('plain-SQL writes are captured; updates carry only the changed fields; local columns do not sync', () => {
  const a = makeStation(tmp.dir, 'A1', { seedFile: seed });
  const before = a.store.versionVector()['A1']!;
  a.app.prepare(`UPDATE person SET age = 41, modified_on = 'now' WHERE id = 7`).run();
  a.app.prepare(`UPDATE person SET modified_on = 'later' WHERE id = 8`).run(); // local column only
  a.app.prepare(`INSERT INTO person(uuid, first_name, shelter_id) VALUES ('0a1b2c3d-0000-4000-8000-000000000001', 'Asha', 3)`).run();
  a.app.prepare(`DELETE FROM supply_request WHERE rowid = (SELECT min(rowid) FROM supply_request WHERE status = 'open')`).run();
  const cs = a.store.buildChangeset('B2', { acked: { A1: before } });
  assert.equal(cs.changes.length, 3);
  const upd = cs.changes.find((c) => c.kind === 'upsert' && !('first_name' in c.fields));
  const ins = cs.changes.find((c) => c.kind === 'upsert' && 'first_name' in c.fields);
  const del = cs.changes.find((c) => c.kind === 'delete');
  assert.deepEqual(Object.keys(upd!.fields), ['age']);
  assert.equal(upd!.fields['age'], 41);
  assert.equal(ins!.kind, 'upsert');
  assert.ok(ins!.fields['shelter_id'] instanceof Uint8Array, 'FK by local id travels as the parent UUID');
  const shelterUuid = (a.app.prepare('SELECT uuid FROM shelter WHERE id = 3').get() as { uuid: string }).uuid;
  assert.equal(bytesToUuid(ins!.fields['shelter_id'] as Uint8Array), shelterUuid);
  assert.ok(!('modified_on' in ins!.fields) && !('id' in ins!.fields));
  assert.equal(del!.kind, 'delete');
  assert.deepEqual(del!.fields, {});
  assert.deepEqual(cs.upto, { A1: before + 3 });
  // The delete keeps an audit tombstone with the last row image.
  const tomb = a.app.prepare('SELECT image, origin, seq FROM radiosync_tombstone WHERE tbl = ?').get('supply_request') as {
    image: string;
    origin: string;
    seq: number;
  };
  assert.equal(tomb.origin, 'A1');
  assert.equal(JSON.parse(tomb.image).status, 'open');
  closeAll([a]);
});

test('foreign keys by local integer id are translated through UUIDs on both ends', () => {
  const a = makeStation(tmp.dir, 'A1', { seedFile: seed });
  const b = makeStation(tmp.dir, 'B2', { seedFile: seed });
  introduce([a, b]);
  // Both stations create a shelter: both get the same next local id, for different rows.
  a.app.prepare(`INSERT INTO shelter(uuid, name, country_id) VALUES ('aaaaaaaa-0000-4000-8000-000000000001', 'A new', 2)`).run();
  b.app.prepare(`INSERT INTO shelter(uuid, name, country_id) VALUES ('bbbbbbbb-0000-4000-8000-000000000001', 'B new', 3)`).run();
  const aId = (a.app.prepare(`SELECT id FROM shelter WHERE uuid LIKE 'aaaaaaaa%'`).get() as { id: number }).id;
  const bId = (b.app.prepare(`SELECT id FROM shelter WHERE uuid LIKE 'bbbbbbbb%'`).get() as { id: number }).id;
  assert.equal(aId, bId);
  a.app.prepare(`INSERT INTO person(uuid, first_name, shelter_id) VALUES ('aaaaaaaa-0000-4000-8000-000000000001', 'Ram', ?)`).run(aId);
  a.app.prepare(`INSERT INTO supply_request(uuid, shelter_uuid, requester_id, item, quantity) VALUES ('aaaaaaaa-0000-4000-8000-000000000002', 'aaaaaaaa-0000-4000-8000-000000000001', (SELECT id FROM person WHERE first_name = 'Ram' AND uuid LIKE 'aaaaaaaa%'), 'rice', 5)`).run();
  syncOnce(a, b);
  syncOnce(b, a);
  const atB = b.app
    .prepare(`SELECT s.uuid AS su, s.country_id AS c FROM person p JOIN shelter s ON s.id = p.shelter_id WHERE p.uuid = 'aaaaaaaa-0000-4000-8000-000000000001'`)
    .get() as { su: string; c: number };
  assert.equal(atB.su, 'aaaaaaaa-0000-4000-8000-000000000001');
  assert.equal(atB.c, 2, 'reference data is matched by its fixed UUID');
  const req = b.app
    .prepare(`SELECT p.uuid AS pu FROM supply_request r JOIN person p ON p.id = r.requester_id WHERE r.uuid = 'aaaaaaaa-0000-4000-8000-000000000002'`)
    .get() as { pu: string };
  assert.equal(req.pu, 'aaaaaaaa-0000-4000-8000-000000000001');
  assert.deepEqual(snapshot(a), snapshot(b));
  closeAll([a, b]);
});

test('excluded rows and tables never leave the station', () => {
  const a = makeStation(tmp.dir, 'A1', { seedFile: seed });
  const before = a.store.versionVector()['A1']!;
  a.app.prepare(`UPDATE shelter SET name = 'renamed' WHERE uuid = ?`).run(TRAINING_SHELTER_UUID);
  a.app.prepare(`UPDATE org_country SET name = 'Nepal (FDR)' WHERE code = 'NP'`).run();
  a.app.prepare(`UPDATE site_setting SET value = 'x' WHERE key = 'site_name'`).run();
  a.app.prepare(`INSERT INTO supply_request(uuid, item, quantity, status) VALUES ('dddddddd-0000-4000-8000-000000000001', 'tea', 1, 'draft')`).run();
  assert.equal(a.store.buildChangeset('B2', { acked: { A1: before } }).changes.length, 0);
  closeAll([a]);
});

test('a row leaving the exclusion (draft → open) is sent whole', () => {
  const a = makeStation(tmp.dir, 'A1', { seedFile: seed });
  const b = makeStation(tmp.dir, 'B2', { seedFile: seed });
  introduce([a, b]);
  const u = (a.app.prepare(`SELECT uuid FROM supply_request WHERE status = 'draft' LIMIT 1`).get() as { uuid: string }).uuid;
  a.app.prepare(`UPDATE supply_request SET status = 'open' WHERE uuid = ?`).run(u);
  const cs = a.store.buildChangeset('B2');
  assert.equal(cs.changes.length, 1);
  assert.ok('item' in cs.changes[0]!.fields && 'quantity' in cs.changes[0]!.fields);
  const r = b.store.applyChangeset(cs);
  assert.equal(r.parked, 0);
  assert.equal((b.app.prepare('SELECT status FROM supply_request WHERE uuid = ?').get(u) as { status: string }).status, 'open');
  closeAll([a, b]);
});

test('a Sahana-style soft delete syncs as a delete and is applied as deleted = 1', () => {
  const a = makeStation(tmp.dir, 'A1', { seedFile: seed });
  const b = makeStation(tmp.dir, 'B2', { seedFile: seed });
  introduce([a, b]);
  const u = (a.app.prepare(`SELECT uuid FROM shelter WHERE id = 20`).get() as { uuid: string }).uuid;
  a.app.prepare(`UPDATE shelter SET deleted = 1 WHERE id = 20`).run();
  const cs = a.store.buildChangeset('B2');
  assert.equal(cs.changes.length, 1);
  assert.equal(cs.changes[0]!.kind, 'delete');
  b.store.applyChangeset(cs);
  assert.equal((b.app.prepare('SELECT deleted FROM shelter WHERE uuid = ?').get(u) as { deleted: number }).deleted, 1);
  closeAll([a, b]);
});

test('a row with a malformed UUID is skipped and counted, and does not block the others', () => {
  const a = makeStation(tmp.dir, 'A1', { seedFile: seed });
  const before = a.store.versionVector()['A1']!;
  a.app.prepare(`INSERT INTO person(uuid, first_name) VALUES ('NOT-A-UUID', 'Bad')`).run();
  a.app.prepare(`INSERT INTO person(uuid, first_name) VALUES ('0A1B2C3D-0000-4000-8000-000000000002', 'Upper')`).run();
  a.app.prepare(`INSERT INTO person(uuid, first_name) VALUES ('0a1b2c3d-0000-4000-8000-000000000003', 'Good')`).run();
  const stats = a.store.capture();
  assert.equal(stats.badUuids, 2);
  assert.equal(stats.changes, 1);
  assert.equal(a.store.versionVector()['A1'], before + 1);
  closeAll([a]);
});

test('misconfiguration is a typed error', () => {
  const file = join(tmp.dir, 'bad.sqlite');
  copyFileSync(SAMPLE_PATH, file);
  assert.throws(
    () => RecordStore.init(file, { station: 'X1', tables: [{ name: 'site_setting' }] }),
    (e) => isRadiosyncError(e, 'RS_ERR_STORE_CONFIG'),
  );
  assert.throws(
    () => RecordStore.init(file, { station: 'X1', tables: [{ name: 'nope' }] }),
    (e) => isRadiosyncError(e, 'RS_ERR_STORE_CONFIG'),
  );
  const db = new Database(file);
  assert.throws(() => RecordStore.open(db), (e) => isRadiosyncError(e, 'RS_ERR_STORE_NOT_INITIALISED'));
  db.close();
});

test('init snapshots a table larger than one slice: every row once, in rowid order, seqs without gaps; rerun adds nothing', async () => {
  const { SNAPSHOT_SLICE } = await import('../../src/store/RecordStore.js');
  const file = join(tmp.dir, 'slices.sqlite');
  const app = new Database(file);
  app.exec('CREATE TABLE item(uuid TEXT NOT NULL UNIQUE, label TEXT)');
  const n = SNAPSHOT_SLICE * 2 + 345;
  const ins = app.prepare('INSERT INTO item(rowid, uuid, label) VALUES (?, ?, ?)');
  const uuid = (i: number) => `${i.toString(16).padStart(8, '0')}-0000-4000-8000-000000000000`;
  app.transaction(() => {
    // rowids with gaps and a negative one, inserted out of order
    for (let i = n - 1; i >= 0; i--) ins.run(i === 0 ? -5 : i * 3, uuid(i), `item ${i}`);
  })();
  app.close();
  const store = RecordStore.init(file, { station: 'A1', tables: [{ name: 'item' }] });
  assert.equal(store.versionVector()['A1'], n);
  const ids = (store.db.prepare(`SELECT seq, id FROM radiosync_log WHERE origin = 'A1' ORDER BY seq`).all() as Array<{ seq: number; id: Buffer }>);
  assert.equal(ids.length, n);
  ids.forEach((r, k) => {
    assert.equal(r.seq, k + 1);
    assert.equal(bytesToUuid(r.id), uuid(k)); // rowid order: -5 (i = 0), then 3, 6, 9 …
  });
  store.close();
  const again = RecordStore.init(file, { station: 'A1', tables: [{ name: 'item' }] });
  assert.equal(again.versionVector()['A1'], n);
  again.close();
});

test('one application transaction larger than a capture slice: captured slice by slice, in order, and a peer ends with the same rows', async () => {
  const { CAPTURE_SLICE } = await import('../../src/store/capture.js');
  const a = makeStation(tmp.dir, 'A1', { seedFile: seed });
  const b = makeStation(tmp.dir, 'B2', { seedFile: seed });
  introduce([a, b]);
  const uuid = (i: number) => `0c0c0c0c-0000-4000-8000-${String(i).padStart(12, '0')}`;
  const ins = a.app.prepare('INSERT INTO person(uuid, first_name) VALUES (?, ?)');
  const X = uuid(0);
  const Y = uuid(1);
  const n = Math.round(2.5 * CAPTURE_SLICE);
  a.app.transaction(() => {
    for (let i = 0; i < n; i++) {
      ins.run(uuid(i), `P${i}`);
      // X is written in each of the three slices; Y is inserted in the first and deleted in the last
      if (i === CAPTURE_SLICE + 5) a.app.prepare(`UPDATE person SET status = 'seen' WHERE uuid = ?`).run(X);
      if (i === 2 * CAPTURE_SLICE + 5) a.app.prepare(`UPDATE person SET status = 'found' WHERE uuid = ?`).run(X);
    }
    a.app.prepare('DELETE FROM person WHERE uuid = ?').run(Y);
  })();
  const writes = (a.app.prepare('SELECT count(*) AS n FROM radiosync_capture').get() as { n: number }).n;
  assert.equal(writes, n + 3);
  const before = a.store.versionVector()['A1']!;
  a.store.capture();
  assert.equal((a.app.prepare('SELECT count(*) AS n FROM radiosync_capture').get() as { n: number }).n, 0, 'every slice taken in');
  // a change reads the row as it is at capture time: Y, inserted and deleted before it, logs
  // nothing (as in one slice), and X is written in three slices, so it gets three changes
  const kinds = (id: string) => (a.app.prepare(`SELECT kind FROM radiosync_log WHERE tbl = 'person' AND id = ? ORDER BY seq`).all(Buffer.from(id.replace(/-/g, ''), 'hex')) as Array<{ kind: string }>).map((r) => r.kind);
  assert.deepEqual(kinds(X), ['upsert', 'upsert', 'upsert']);
  assert.deepEqual(kinds(Y), []);
  assert.equal(a.store.versionVector()['A1']! - before, n - 1 + 2);
  for (let i = 0; i < 20 && a.store.buildChangeset('B2').changes.length > 0; i++) syncOnce(a, b);
  assert.deepEqual(snapshot(b), snapshot(a));
  assert.equal(b.app.prepare('SELECT status FROM person WHERE uuid = ?').pluck().get(X), 'found');
  assert.equal(b.app.prepare('SELECT count(*) FROM person WHERE uuid = ?').pluck().get(Y), 0);
  closeAll([a, b]);
});
