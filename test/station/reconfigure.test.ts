/**
 * `init` run again and `radiosync reconfigure`: every records setting changed in radiosync.toml
 * (or by env) after init either takes effect or is refused, naming the config key; none is
 * silently ignored. One test per setting.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { initStation, reconfigureStation, Station } from '../../src/index.js';
import { ManualClock } from '../../src/clock/ManualClock.js';
import { isRadiosyncError } from '../../src/errors/RadiosyncError.js';
import { T0 } from '../store/helpers.js';

const U = (n: number): string => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;

function setup(t: { after: (fn: () => void) => void }): { dir: string; home: string; db: string; app: Database.Database; clock: ManualClock } {
  const dir = mkdtempSync(join(tmpdir(), 'rs-reconf-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const db = join(dir, 'app.sqlite');
  const app = new Database(db);
  app.exec(`
    CREATE TABLE org(id INTEGER PRIMARY KEY, uuid TEXT UNIQUE, name TEXT);
    CREATE TABLE person(id INTEGER PRIMARY KEY, uuid TEXT UNIQUE, name TEXT, note TEXT, org_id INTEGER, draft INTEGER DEFAULT 0, deleted INTEGER DEFAULT 0, alt TEXT);
    CREATE TABLE extra(id INTEGER PRIMARY KEY, uuid TEXT UNIQUE, v TEXT);`);
  app.prepare('INSERT INTO org(uuid, name) VALUES (?, ?)').run(U(100), 'Red Cross');
  const ins = app.prepare('INSERT INTO person(uuid, name, note, org_id, alt) VALUES (?, ?, ?, 1, ?)');
  for (let i = 1; i <= 3; i++) ins.run(U(i), `p${i}`, `n${i}`, U(900 + i));
  app.prepare('INSERT INTO extra(uuid, v) VALUES (?, ?)').run(U(50), 'x');
  const clock = new ManualClock(T0);
  const home = join(dir, 'home');
  initStation({ home, callsign: 'N0CALL', db, tables: ['org', 'person'], clock });
  t.after(() => app.close());
  return { dir, home, db, app, clock };
}

function refusedKeys(home: string, env: Record<string, string> = {}): string[] {
  try {
    Station.open(home, { env }).close();
  } catch (e) {
    assert.ok(isRadiosyncError(e, 'RS_ERR_STATION_RECONFIGURE'), String(e));
    assert.match(e.message, /radiosync reconfigure/);
    return e.data['keys'] as string[];
  }
  assert.fail('Station.open accepted a config that changed since init');
}

/** Changes of `table` this station would send now, as { id → fields }. */
function outgoing(home: string, table: string): Array<{ kind: string; fields: Record<string, unknown> }> {
  const st = Station.open(home, { env: {} });
  try {
    st.records.capture();
    return st.records
      .buildChangeset('PEER1')
      .changes.filter((c) => c.table === table)
      .map((c) => ({ kind: c.kind, fields: c.kind === 'upsert' ? c.fields : {} }));
  } finally {
    st.close();
  }
}

function edit(home: string, toml: string): void {
  appendFileSync(join(home, 'radiosync.toml'), `\n${toml}\n`);
}

test('init run again with the same callsign reconciles (no RS_ERR_STATION_EXISTS); another callsign is refused', (t) => {
  const s = setup(t);
  const again = initStation({ home: s.home, callsign: 'n0call', db: s.db, tables: ['org', 'person'], clock: s.clock });
  assert.deepEqual(again.changed, []);
  assert.throws(() => initStation({ home: s.home, callsign: 'K1ABC', db: s.db }), (e: unknown) => isRadiosyncError(e, 'RS_ERR_STATION_EXISTS'));
  assert.throws(
    () => initStation({ home: s.home, callsign: 'N0CALL', tables: ['person'] }),
    (e: unknown) => isRadiosyncError(e, 'RS_ERR_STATION_EXISTS') && (e.data['keys'] as string[]).includes('records.tables'),
  );
  assert.throws(
    () => initStation({ home: s.home, callsign: 'N0CALL', owner: 'someone else' }),
    (e: unknown) => isRadiosyncError(e, 'RS_ERR_STATION_EXISTS') && (e.data['keys'] as string[]).includes('station.owner'),
  );
});

test('deleted_column added after init: refused until reconfigure, then a DELETE sets deleted = 1 and the row stays', (t) => {
  const s = setup(t);
  outgoing(s.home, 'person'); // the snapshot goes first
  edit(s.home, '[records.table.person]\ndeleted_column = "deleted"');
  assert.deepEqual(refusedKeys(s.home), ['records.table.person.deleted_column']);
  const r = reconfigureStation(s.home, { env: {}, clock: s.clock });
  assert.deepEqual(r.changed, ['records.table.person.deleted_column']);
  s.app.prepare('DELETE FROM person WHERE uuid = ?').run(U(1));
  assert.deepEqual(s.app.prepare('SELECT deleted FROM person WHERE uuid = ?').get(U(1)), { deleted: 1 });
  const out = outgoing(s.home, 'person');
  assert.equal(out.filter((c) => c.kind === 'delete').length, 1);
});

test('local_columns added after init: their values are no longer sent', (t) => {
  const s = setup(t);
  const first = outgoing(s.home, 'person');
  assert.ok(first.every((c) => 'note' in c.fields), 'before: note travels');
  edit(s.home, '[records.table.person]\nlocal_columns = ["note"]');
  assert.deepEqual(refusedKeys(s.home), ['records.table.person.local_columns']);
  reconfigureStation(s.home, { env: {}, clock: s.clock });
  s.app.prepare("UPDATE person SET note = 'hq only', name = 'renamed' WHERE uuid = ?").run(U(2));
  s.app.prepare("UPDATE person SET note = 'hq only too' WHERE uuid = ?").run(U(3));
  const st = Station.open(s.home, { env: {} });
  const cap = st.records.capture();
  st.close();
  assert.equal(cap.changes, 1, 'the note-only edit is not a change');
  const out = outgoing(s.home, 'person').filter((c) => c.fields['name'] === 'renamed');
  assert.equal(out.length, 1);
  assert.ok(!('note' in out[0]!.fields));
});

test('exclude_uuids added after init: the row is never sent again', (t) => {
  const s = setup(t);
  outgoing(s.home, 'org');
  edit(s.home, `[records.table.org]\nexclude_uuids = ["${U(100)}"]`);
  assert.deepEqual(refusedKeys(s.home), ['records.table.org.exclude_uuids']);
  reconfigureStation(s.home, { env: {}, clock: s.clock });
  s.app.prepare("UPDATE org SET name = 'system' WHERE uuid = ?").run(U(100));
  const st = Station.open(s.home, { env: {} });
  const cap = st.records.capture();
  st.close();
  assert.equal(cap.changes, 0);
  assert.equal(cap.excluded, 1);
});

test('exclude_where added after init: matching rows are not sent; bad SQL is refused naming the key', (t) => {
  const s = setup(t);
  outgoing(s.home, 'person');
  edit(s.home, '[records.table.person]\nexclude_where = "draft = 1"');
  assert.deepEqual(refusedKeys(s.home), ['records.table.person.exclude_where']);
  reconfigureStation(s.home, { env: {}, clock: s.clock });
  s.app.prepare("UPDATE person SET draft = 1, name = 'draft' WHERE uuid = ?").run(U(1));
  s.app.prepare("UPDATE person SET name = 'final' WHERE uuid = ?").run(U(2));
  const names = outgoing(s.home, 'person').map((c) => c.fields['name']);
  assert.ok(names.includes('final') && !names.includes('draft'));

  const s2 = setup(t);
  edit(s2.home, '[records.table.person]\nexclude_where = "no_such_column = 1"');
  assert.throws(
    () => reconfigureStation(s2.home, { env: {}, clock: s2.clock }),
    (e: unknown) => isRadiosyncError(e, 'RS_ERR_STORE_CONFIG') && e.data['key'] === 'records.table.person.exclude_where' && /records\.table\.person\.exclude_where/.test(e.message),
  );
});

test('conflict (per table and records.conflict) takes effect: local → keep-local, master → the master station', (t) => {
  const s = setup(t);
  edit(s.home, '[records.table.person]\nconflict = "local"');
  assert.deepEqual(refusedKeys(s.home), ['records.table.person.conflict']);
  reconfigureStation(s.home, { env: {}, clock: s.clock });
  let st = Station.open(s.home, { env: {} });
  assert.equal(st.records.tables().find((x) => x.name === 'person')!.policy, 'keep-local');
  assert.equal(st.records.tables().find((x) => x.name === 'org')!.policy, 'newer');
  st.close();
  const env = { RADIOSYNC_RECORDS_CONFLICT: 'master', RADIOSYNC_RECORDS_MASTER: 'HQ1' };
  assert.deepEqual(refusedKeys(s.home, env), ['records.conflict']);
  reconfigureStation(s.home, { env, clock: s.clock });
  st = Station.open(s.home, { env });
  assert.deepEqual(st.records.tables().find((x) => x.name === 'org')!.policy, { master: 'HQ1' });
  st.close();
  assert.throws(
    () => reconfigureStation(s.home, { env: { RADIOSYNC_RECORDS_CONFLICT: 'master' } }),
    (e: unknown) => isRadiosyncError(e, 'RS_ERR_CONFIG_INVALID') && e.data['key'] === 'records.master',
  );
});

test('foreign_keys added after init: the local id travels as the referenced row\'s UUID', (t) => {
  const s = setup(t);
  outgoing(s.home, 'person');
  edit(s.home, '[records.table.person]\nforeign_keys = { org_id = "org" }');
  assert.deepEqual(refusedKeys(s.home), ['records.table.person.foreign_keys']);
  reconfigureStation(s.home, { env: {}, clock: s.clock });
  s.app.prepare("UPDATE person SET org_id = 1, name = 'moved' WHERE uuid = ?").run(U(1));
  s.app.prepare('UPDATE person SET org_id = NULL WHERE uuid = ?').run(U(1));
  s.app.prepare('UPDATE person SET org_id = 1 WHERE uuid = ?').run(U(1));
  const c = outgoing(s.home, 'person').find((x) => x.fields['name'] === 'moved')!;
  assert.ok(c.fields['org_id'] instanceof Uint8Array, 'org_id went as UUID bytes');
  assert.equal(Buffer.from(c.fields['org_id'] as Uint8Array).toString('hex'), U(100).replace(/-/g, ''));
});

test('uuid_column: a new table takes it; changing it on a synced table is refused naming records.table.<t>.uuid_column', (t) => {
  const s = setup(t);
  outgoing(s.home, 'person');
  edit(s.home, '[records.table.person]\nuuid_column = "alt"');
  assert.deepEqual(refusedKeys(s.home), ['records.table.person.uuid_column']);
  assert.throws(
    () => reconfigureStation(s.home, { env: {}, clock: s.clock }),
    (e: unknown) => isRadiosyncError(e, 'RS_ERR_STORE_CONFIG') && e.data['key'] === 'records.table.person.uuid_column' && !/uuidColumn/.test(e.message),
  );
  // nothing changed: the old config still opens once the edit is undone, and capture still works
  const env = { RADIOSYNC_RECORDS_UUID_COLUMN: 'alt' };
  assert.ok(refusedKeys(s.home, env).includes('records.uuid_column'));
});

test('records.tables: a table added after init is captured (its rows as inserts); one removed loses its triggers', (t) => {
  const s = setup(t);
  outgoing(s.home, 'person');
  assert.deepEqual(refusedKeys(s.home, { RADIOSYNC_RECORDS_TABLES: 'org,person,extra' }), ['records.tables']);
  reconfigureStation(s.home, { env: { RADIOSYNC_RECORDS_TABLES: 'org,extra' }, clock: s.clock });
  const st = Station.open(s.home, { env: { RADIOSYNC_RECORDS_TABLES: 'org,extra' } });
  st.records.capture();
  const cs = st.records.buildChangeset('PEER1');
  st.close();
  assert.equal(cs.changes.filter((c) => c.table === 'extra').length, 1);
  const triggers = s.app.prepare("SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'person'").all();
  assert.deepEqual(triggers, []);
});

test('a setting for a table not synced, or a column that does not exist, is refused naming the key; nothing changes', (t) => {
  const s = setup(t);
  edit(s.home, '[records.table.extra]\nlocal_columns = ["v"]');
  assert.throws(() => Station.open(s.home, { env: {} }), (e: unknown) => isRadiosyncError(e, 'RS_ERR_CONFIG_INVALID') && e.data['key'] === 'records.table.extra');
  const s2 = setup(t);
  const before = s2.app.prepare("SELECT name, sql FROM sqlite_master WHERE type = 'trigger' ORDER BY name").all();
  edit(s2.home, '[records.table.person]\nlocal_columns = ["nope"]');
  assert.throws(
    () => reconfigureStation(s2.home, { env: {}, clock: s2.clock }),
    (e: unknown) => isRadiosyncError(e, 'RS_ERR_STORE_CONFIG') && e.data['key'] === 'records.table.person.local_columns',
  );
  assert.deepEqual(s2.app.prepare("SELECT name, sql FROM sqlite_master WHERE type = 'trigger' ORDER BY name").all(), before);
  edit(s2.home, '[records.table.org]\ndeleted_column = "gone"');
  assert.throws(
    () => reconfigureStation(s2.home, { env: {}, clock: s2.clock }),
    (e: unknown) => isRadiosyncError(e, 'RS_ERR_STORE_CONFIG') && typeof e.data['key'] === 'string',
  );
});

test('records.exclude_tables (env) takes effect: the table stops being captured once reconfigured', (t) => {
  const s = setup(t);
  outgoing(s.home, 'org');
  const env = { RADIOSYNC_RECORDS_EXCLUDE_TABLES: 'org' };
  assert.deepEqual(refusedKeys(s.home, env), ['records.tables']);
  reconfigureStation(s.home, { env, clock: s.clock });
  s.app.prepare("UPDATE org SET name = 'not sent' WHERE uuid = ?").run(U(100));
  const st = Station.open(s.home, { env });
  try {
    assert.deepEqual(st.records.tables().map((x) => x.name), ['person']);
    st.records.capture();
    assert.equal(st.records.buildChangeset('PEER1').changes.filter((c) => c.table === 'org' && c.kind === 'upsert' && c.fields['name'] === 'not sent').length, 0);
  } finally {
    st.close();
  }
});
