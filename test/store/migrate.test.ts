/**
 * Schema migrations of the application (src/store/migrate.ts, docs/records.md §3a): added,
 * renamed and dropped columns and rebuilt tables are detected at capture or by migrate(); a
 * station whose schema is older keeps values for columns it lacks and writes them when it
 * migrates; a migration that removes a column radiosync uses is refused and changes nothing.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { join } from 'node:path';
import { mkdirSync } from 'node:fs';
import Database from 'better-sqlite3';
import { RecordStore } from '../../src/store/RecordStore.js';
import type { TableOptions } from '../../src/store/tables.js';
import { ManualClock } from '../../src/clock/ManualClock.js';
import { isRadiosyncError } from '../../src/errors/RadiosyncError.js';
import { tableFingerprints } from '../../src/sync/tableFingerprint.js';
import { T0, tempDir } from './helpers.js';

const U = (n: number): string => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;

interface St {
  name: string;
  store: RecordStore;
  app: Database.Database;
  file: string;
}

function pair(dir: string, extra: Partial<TableOptions> = {}): [St, St] {
  const fa = join(dir, 'A1.sqlite');
  const seed = new Database(fa);
  seed.exec(`CREATE TABLE person(id INTEGER PRIMARY KEY, uuid TEXT UNIQUE NOT NULL, name TEXT, note TEXT, deleted INTEGER NOT NULL DEFAULT 0)`);
  const ins = seed.prepare('INSERT INTO person(uuid, name, note) VALUES (?, ?, ?)');
  for (let i = 1; i <= 4; i++) ins.run(U(i), `p${i}`, `n${i}`);
  seed.close();
  const clock = new ManualClock(T0);
  const mk = (name: string, file: string, adopt: boolean): St => {
    const store = RecordStore.init(file, { station: name, tables: [{ name: 'person', ...extra }], clock, adoptCopy: adopt });
    return { name, store, app: new Database(file), file };
  };
  const a = mk('A1', fa, false);
  const fb = join(dir, 'B2.sqlite');
  a.store.capture();
  a.app.exec(`VACUUM INTO '${fb}'`);
  const b = mk('B2', fb, true);
  return [a, b];
}

function sync(from: St, to: St): void {
  const r = to.store.applyChangeset(from.store.buildChangeset(to.name));
  from.store.acknowledge(to.name, r.ack);
}

function close(...s: St[]): void {
  for (const x of s) {
    x.store.close();
    x.app.close();
  }
}

test('a column added at both stations mid-life syncs from the next change on (detected at capture)', (t) => {
  const tmp = tempDir();
  t.after(tmp.cleanup);
  const [a, b] = pair(tmp.dir);
  t.after(() => close(a, b));
  for (const s of [a, b]) s.app.exec('ALTER TABLE person ADD COLUMN phone TEXT');
  a.app.prepare("UPDATE person SET phone = '555-0101' WHERE uuid = ?").run(U(1)); // before the triggers know phone
  sync(a, b);
  b.app.prepare("UPDATE person SET phone = '555-0202' WHERE uuid = ?").run(U(2));
  sync(b, a);
  for (const s of [a, b]) {
    assert.deepEqual(s.app.prepare('SELECT uuid, phone FROM person WHERE phone IS NOT NULL ORDER BY uuid').all(), [
      { uuid: U(1), phone: '555-0101' },
      { uuid: U(2), phone: '555-0202' },
    ], s.name);
    const m = s.store.migrate();
    assert.equal(m.length, 1);
    assert.deepEqual(m[0]!.added, ['phone']);
  }
  assert.deepEqual(tableFingerprints(a.store), tableFingerprints(b.store));
});

test('a column added at only one station waits at the other, and arrives when it migrates (nothing lost)', (t) => {
  const tmp = tempDir();
  t.after(tmp.cleanup);
  const [a, b] = pair(tmp.dir);
  t.after(() => close(a, b));
  a.app.exec("ALTER TABLE person ADD COLUMN phone TEXT DEFAULT 'none'");
  a.app.prepare("UPDATE person SET phone = '555-0101', name = 'renamed' WHERE uuid = ?").run(U(1));
  a.app.prepare("INSERT INTO person(uuid, name, phone) VALUES (?, 'new', '555-0105')").run(U(5));
  sync(a, b);
  assert.equal((b.app.prepare('SELECT name FROM person WHERE uuid = ?').get(U(1)) as { name: string }).name, 'renamed');
  assert.equal(b.app.prepare("SELECT 1 FROM pragma_table_info('person') WHERE name = 'phone'").get(), undefined);
  // B migrates later; an edit of its own in between
  b.app.prepare("UPDATE person SET note = 'b edit' WHERE uuid = ?").run(U(3));
  sync(b, a);
  b.app.exec("ALTER TABLE person ADD COLUMN phone TEXT DEFAULT 'none'");
  const m = b.store.migrate();
  assert.equal(m.length, 1);
  assert.equal(m[0]!.rowsApplied, 2, 'the two rows whose phone waited in the log');
  assert.equal(m[0]!.changesFound, 0, 'the default is not an edit');
  assert.deepEqual(b.app.prepare('SELECT uuid, phone FROM person ORDER BY uuid').all(), [
    { uuid: U(1), phone: '555-0101' }, { uuid: U(2), phone: 'none' }, { uuid: U(3), phone: 'none' }, { uuid: U(4), phone: 'none' }, { uuid: U(5), phone: '555-0105' },
  ]);
  assert.equal(b.store.buildChangeset('A1').changes.length, 0, 'B sends nothing back for the migration itself');
  assert.deepEqual(tableFingerprints(a.store), tableFingerprints(b.store));
});

test('a renamed column is detected (SQLite rewrote the triggers) and its values travel under the new name', (t) => {
  const tmp = tempDir();
  t.after(tmp.cleanup);
  const [a, b] = pair(tmp.dir);
  t.after(() => close(a, b));
  for (const s of [a, b]) s.app.exec('ALTER TABLE person RENAME COLUMN note TO remark');
  a.app.prepare("UPDATE person SET remark = 'after rename' WHERE uuid = ?").run(U(2));
  sync(a, b);
  const m = a.store.migrate();
  assert.deepEqual(m[0]!.renamed, [{ from: 'note', to: 'remark' }]);
  assert.deepEqual(m[0]!.added, []);
  assert.deepEqual(m[0]!.dropped, []);
  assert.equal((b.app.prepare('SELECT remark FROM person WHERE uuid = ?').get(U(2)) as { remark: string }).remark, 'after rename');
  assert.deepEqual(tableFingerprints(a.store), tableFingerprints(b.store));
});

test('values waiting for a new column are written without undoing local edits not captured yet', (t) => {
  const tmp = tempDir();
  t.after(tmp.cleanup);
  const [a, b] = pair(tmp.dir);
  t.after(() => close(a, b));
  a.app.exec('ALTER TABLE person ADD COLUMN phone TEXT');
  a.app.prepare("UPDATE person SET phone = '555-0101' WHERE uuid = ?").run(U(1));
  sync(a, b);
  b.app.exec('ALTER TABLE person ADD COLUMN phone TEXT');
  b.app.prepare("UPDATE person SET name = 'edited at B before migrate' WHERE uuid = ?").run(U(1));
  b.store.migrate();
  const row = b.app.prepare('SELECT name, phone FROM person WHERE uuid = ?').get(U(1)) as { name: string; phone: string };
  assert.deepEqual(row, { name: 'edited at B before migrate', phone: '555-0101' });
  sync(b, a);
  assert.deepEqual(tableFingerprints(a.store), tableFingerprints(b.store));
});

test('a column renamed at one station only: edits the other sends under the old name land in the renamed column, and both converge when it renames too', (t) => {
  const tmp = tempDir();
  t.after(tmp.cleanup);
  const [a, b] = pair(tmp.dir);
  t.after(() => close(a, b));
  const remark = (s: St, n: number) => (s.app.prepare('SELECT remark FROM person WHERE uuid = ?').get(U(n)) as { remark: string }).remark;
  a.app.exec('ALTER TABLE person RENAME COLUMN note TO remark');
  assert.deepEqual(a.store.migrate()[0]!.renamed, [{ from: 'note', to: 'remark' }]);
  a.app.prepare("UPDATE person SET remark = 'edited at A' WHERE uuid = ?").run(U(2));
  b.app.prepare("UPDATE person SET note = 'edited at B' WHERE uuid = ?").run(U(3));
  b.app.prepare("UPDATE person SET note = 'B on row 4' WHERE uuid = ?").run(U(4));
  a.app.prepare("UPDATE person SET remark = 'A on row 4' WHERE uuid = ?").run(U(4));
  sync(b, a);
  sync(a, b);
  assert.equal(remark(a, 3), 'edited at B', 'B\'s edit under the old name is written to the renamed column');
  assert.equal((b.app.prepare('SELECT note FROM person WHERE uuid = ?').get(U(2)) as { note: string }).note, 'n2', 'B lacks remark: A\'s value waits');
  b.app.exec('ALTER TABLE person RENAME COLUMN note TO remark');
  b.store.migrate();
  assert.equal(remark(b, 2), 'edited at A', 'the waiting value is written when B renames');
  assert.equal(remark(b, 3), 'edited at B');
  assert.equal(remark(a, 4), remark(b, 4), 'a concurrent edit under both names resolves the same way at both');
  assert.deepEqual(tableFingerprints(a.store), tableFingerprints(b.store));
  b.app.prepare("UPDATE person SET remark = 'after both renamed' WHERE uuid = ?").run(U(1));
  sync(b, a);
  assert.equal(remark(a, 1), 'after both renamed');
  assert.deepEqual(tableFingerprints(a.store), tableFingerprints(b.store));
});

test('a table rebuilt by the application (its triggers dropped with it): writes meanwhile are found and sync', (t) => {
  const tmp = tempDir();
  t.after(tmp.cleanup);
  const [a, b] = pair(tmp.dir);
  t.after(() => close(a, b));
  a.app.exec(`
    CREATE TABLE person_new(id INTEGER PRIMARY KEY, uuid TEXT UNIQUE NOT NULL, name TEXT, deleted INTEGER NOT NULL DEFAULT 0, email TEXT);
    INSERT INTO person_new(id, uuid, name, deleted) SELECT id, uuid, name, deleted FROM person;
    DROP TABLE person; ALTER TABLE person_new RENAME TO person;`);
  a.app.prepare("UPDATE person SET name = 'edited unseen' WHERE uuid = ?").run(U(1));
  a.app.prepare("INSERT INTO person(uuid, name, email) VALUES (?, 'inserted unseen', 'x@example.org')").run(U(6));
  a.app.prepare('DELETE FROM person WHERE uuid = ?').run(U(4));
  const m = a.store.migrate();
  assert.equal(m[0]!.rebuilt, true);
  assert.deepEqual(m[0]!.dropped, ['note']);
  assert.deepEqual(m[0]!.added, ['email']);
  assert.equal(m[0]!.changesFound, 3);
  b.app.exec('ALTER TABLE person ADD COLUMN email TEXT');
  sync(a, b);
  assert.deepEqual(b.app.prepare('SELECT uuid, name, email FROM person WHERE uuid IN (?, ?, ?) ORDER BY uuid').all(U(1), U(4), U(6)), [
    { uuid: U(1), name: 'edited unseen', email: null },
    { uuid: U(6), name: 'inserted unseen', email: 'x@example.org' },
  ]);
  a.app.prepare("UPDATE person SET name = 'seen again' WHERE uuid = ?").run(U(2));
  assert.equal(a.store.capture().changes, 1, 'the new triggers capture');
});

test('a migration that drops a column radiosync uses is refused with RS_ERR_STORE_MIGRATION and changes nothing', (t) => {
  const tmp = tempDir();
  t.after(tmp.cleanup);
  const [a, b] = pair(tmp.dir, { deletedColumn: 'deleted' });
  t.after(() => close(a, b));
  const schema = (): unknown => a.app.prepare('SELECT name, sql FROM sqlite_master ORDER BY name').all();
  const logRows = (): unknown => a.app.prepare('SELECT count(*) AS n FROM radiosync_log').get();
  const before = [schema(), logRows(), a.app.prepare('SELECT * FROM person ORDER BY id').all()];
  // run through radiosync (SQLite itself refuses to drop a column a trigger names)
  assert.throws(
    () => a.store.migrate("UPDATE person SET name = 'x'; ALTER TABLE person DROP COLUMN deleted"),
    (e: unknown) => isRadiosyncError(e, 'RS_ERR_STORE_MIGRATION') && e.data['column'] === 'deleted' && e.data['option'] === 'deletedColumn',
  );
  assert.deepEqual([schema(), logRows(), a.app.prepare('SELECT * FROM person ORDER BY id').all()], before);
  // the same script dropping a plain synced column goes through, and its write is a change
  const m = a.store.migrate("UPDATE person SET name = 'bulk' WHERE id = 1; ALTER TABLE person DROP COLUMN note");
  assert.deepEqual(m[0]!.dropped, ['note']);
  assert.equal(m[0]!.changesFound, 1);
  // a rebuild outside radiosync that loses the column: refused at open, nothing changed
  b.app.exec(`CREATE TABLE p2(id INTEGER PRIMARY KEY, uuid TEXT UNIQUE NOT NULL, name TEXT, note TEXT);
    INSERT INTO p2 SELECT id, uuid, name, note FROM person; DROP TABLE person; ALTER TABLE p2 RENAME TO person;`);
  const triggersBefore = b.app.prepare("SELECT count(*) AS n FROM sqlite_master WHERE type = 'trigger'").get();
  b.store.close();
  assert.throws(() => RecordStore.open(b.file), (e: unknown) => isRadiosyncError(e, 'RS_ERR_STORE_MIGRATION') && e.data['column'] === 'deleted');
  assert.deepEqual(b.app.prepare("SELECT count(*) AS n FROM sqlite_master WHERE type = 'trigger'").get(), triggersBefore);
});

type Op = { who: 0 | 1; kind: 'phone' | 'name' | 'sync'; row: number; val: number };
const opArb: fc.Arbitrary<Op> = fc.record({
  who: fc.constantFrom(0 as const, 1 as const),
  kind: fc.constantFrom('phone' as const, 'name' as const, 'sync' as const),
  row: fc.integer({ min: 1, max: 4 }),
  val: fc.nat(999),
});

test('property: whenever the second station adds the column, it ends with every value (nothing lost), and both agree', (t) => {
  const tmp = tempDir();
  t.after(tmp.cleanup);
  let run = 0;
  fc.assert(
    fc.property(fc.array(opArb, { minLength: 1, maxLength: 14 }), fc.nat(14), (ops, migrateAt) => {
      const dir = join(tmp.dir, `p${run++}`);
      mkdirSync(dir);
      const [a, b] = pair(dir);
      try {
        a.app.exec('ALTER TABLE person ADD COLUMN phone TEXT');
        const st = [a, b];
        let bHas = false;
        ops.forEach((op, i) => {
          if (i === migrateAt && !bHas) {
            b.app.exec('ALTER TABLE person ADD COLUMN phone TEXT');
            bHas = true;
          }
          const s = st[op.who]!;
          if (op.kind === 'sync') sync(s, st[1 - op.who]!);
          else if (op.kind === 'name') s.app.prepare('UPDATE person SET name = ? WHERE uuid = ?').run(`v${op.val}`, U(op.row));
          else if (op.who === 0 || bHas) s.app.prepare('UPDATE person SET phone = ? WHERE uuid = ?').run(`555-${op.val}`, U(op.row));
        });
        if (!bHas) b.app.exec('ALTER TABLE person ADD COLUMN phone TEXT');
        for (let k = 0; k < 2; k++) {
          sync(a, b);
          sync(b, a);
        }
        const rows = (s: St): unknown => s.app.prepare('SELECT uuid, name, phone FROM person ORDER BY uuid').all();
        assert.deepEqual(rows(b), rows(a));
        const lastPhone = new Map<number, string>();
        for (const op of ops) if (op.kind === 'phone' && op.who === 0) lastPhone.set(op.row, `555-${op.val}`);
        // every phone A set and B never overwrote arrives at B
        const bPhones = new Set(ops.filter((o) => o.kind === 'phone' && o.who === 1).map((o) => o.row));
        for (const [row, v] of lastPhone) {
          if (bPhones.has(row)) continue;
          assert.equal((b.app.prepare('SELECT phone FROM person WHERE uuid = ?').get(U(row)) as { phone: string }).phone, v);
        }
      } finally {
        close(a, b);
      }
    }),
    { seed: 1414, numRuns: 30 },
  );
});
