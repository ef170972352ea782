/**
 * Adopting an application database that was not made for radiosync (fixtures/chinook: integer
 * keys, no UUID columns, mixed-case names, a composite key, a self-reference), through the real
 * command line (main(), in process): the steps README.md shows. Also: a failed init changes
 * nothing, and `--adopt-copy` does not claim a copy's rows twice.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { main } from '../../src/cli/main.js';
import { Station } from '../../src/index.js';
import { tableFingerprints } from '../../src/sync/tableFingerprint.js';
import { UUID_TEXT } from '../../src/store/tables.js';

const CHINOOK_SQL = readFileSync(new URL('../../fixtures/chinook/chinook.sql', import.meta.url), 'utf8');
const TABLES = 'Artist,Album,Genre,MediaType,Track,Employee,Customer,Invoice,InvoiceLine,Playlist,PlaylistTrack';

/** Run `radiosync …args`; returns the exit code and what it printed. */
async function rs(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const w = process.stdout.write.bind(process.stdout);
  const we = process.stderr.write.bind(process.stderr);
  process.stdout.write = ((s: string | Uint8Array) => ((out += String(s)), true)) as typeof process.stdout.write;
  process.stderr.write = ((s: string | Uint8Array) => ((err += String(s)), true)) as typeof process.stderr.write;
  const saved = process.exitCode;
  try {
    const code = await main(['node', 'radiosync', ...args]);
    return { code, out, err };
  } finally {
    process.stdout.write = w;
    process.stderr.write = we;
    process.exitCode = saved;
  }
}

function chinook(file: string): void {
  const db = new Database(file);
  db.exec(CHINOOK_SQL);
  db.close();
}

/** sqlite_master as text, for "nothing changed" checks. */
function schemaOf(file: string): string {
  const db = new Database(file, { readonly: true });
  try {
    return JSON.stringify(db.prepare('SELECT type, name, sql FROM sqlite_master ORDER BY name').all());
  } finally {
    db.close();
  }
}

function tmp(t: { after: (fn: () => void) => void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'rs-adopt-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

async function trust(a: string, b: string, callA: string, callB: string): Promise<void> {
  const keyA = JSON.parse((await rs('key', '--home', a, '--json')).out).key as string;
  const keyB = JSON.parse((await rs('key', '--home', b, '--json')).out).key as string;
  assert.equal((await rs('peer', 'add', callB, '--key', keyB, '--home', a)).code, 0);
  assert.equal((await rs('peer', 'add', callA, '--key', keyA, '--home', b)).code, 0);
}

function fingerprints(home: string): ReturnType<typeof tableFingerprints> {
  const st = Station.open(home, { env: {} });
  try {
    return tableFingerprints(st.records);
  } finally {
    st.close();
  }
}

test('Chinook: init --add-uuids at HQ, --schema-from at the field station, sync by bundle both ways: tables identical by UUID', async (t) => {
  const dir = tmp(t);
  const hqDb = join(dir, 'chinook.sqlite');
  chinook(hqDb);
  const hq = join(dir, 'hq');
  const field = join(dir, 'field');
  const fieldDb = join(dir, 'field.sqlite');

  const r1 = await rs('init', '--home', hq, '--callsign', 'HQ1', '--db', hqDb, '--tables', TABLES, '--add-uuids');
  assert.equal(r1.code, 0, r1.err);
  const app = new Database(hqDb);
  t.after(() => app.close());
  for (const tbl of TABLES.split(',')) {
    const rows = app.prepare(`SELECT uuid FROM "${tbl}"`).all() as Array<{ uuid: string }>;
    assert.ok(rows.length > 0 && rows.every((r) => UUID_TEXT.test(r.uuid) && r.uuid[14] === '4'), `${tbl}: every row has a v4 UUID`);
    assert.equal(new Set(rows.map((r) => r.uuid)).size, rows.length);
  }
  assert.throws(() => app.prepare('UPDATE "Artist" SET uuid = (SELECT uuid FROM "Artist" WHERE "ArtistId" = 1) WHERE "ArtistId" = 2').run(), /UNIQUE/);
  // the application's own new row gets a UUID from the insert trigger, and is captured as an insert
  app.prepare('INSERT INTO "Artist"("Name") VALUES (?)').run('Apocalyptica');
  const newArtist = app.prepare('SELECT uuid FROM "Artist" WHERE "Name" = ?').get('Apocalyptica') as { uuid: string };
  assert.match(newArtist.uuid, UUID_TEXT);

  const r2 = await rs('init', '--home', field, '--callsign', 'FLD1', '--db', fieldDb, '--tables', TABLES, '--schema-from', hqDb, '--add-uuids');
  assert.equal(r2.code, 0, r2.err);
  await trust(hq, field, 'HQ1', 'FLD1');

  const b1 = join(dir, 'to-field.rsb');
  assert.equal((await rs('export', '--to', 'FLD1', '--out', b1, '--home', hq)).code, 0);
  const imp = await rs('import', b1, '--home', field);
  assert.equal(imp.code, 0, imp.out + imp.err);
  assert.deepEqual(fingerprints(field), fingerprints(hq));

  // field edits: a new album with a track (no UUIDs given by the app), a playlist entry (composite key), a new manager
  const fapp = new Database(fieldDb);
  t.after(() => fapp.close());
  const artistId = (fapp.prepare('SELECT "ArtistId" AS id FROM "Artist" WHERE uuid = ?').get(newArtist.uuid) as { id: number }).id;
  const album = fapp.prepare('INSERT INTO "Album"("Title", "ArtistId") VALUES (?, ?)').run('Cult', artistId).lastInsertRowid;
  const track = fapp.prepare('INSERT INTO "Track"("Name", "AlbumId", "MediaTypeId", "Milliseconds", "UnitPrice") VALUES (?, ?, 1, 1000, 0.99)').run('Path', album).lastInsertRowid;
  fapp.prepare('INSERT INTO "PlaylistTrack"("PlaylistId", "TrackId") VALUES (2, ?)').run(track);
  const boss = fapp.prepare(`INSERT INTO "Employee"("LastName", "FirstName", "ReportsTo") VALUES ('Mitchell', 'Michael', 1)`).run().lastInsertRowid;
  fapp.prepare('UPDATE "Employee" SET "ReportsTo" = ? WHERE "EmployeeId" = 4').run(boss);
  fapp.prepare('DELETE FROM "PlaylistTrack" WHERE "PlaylistId" = 1 AND "TrackId" = 1').run();

  const b2 = join(dir, 'to-hq.rsb');
  assert.equal((await rs('export', '--to', 'HQ1', '--out', b2, '--home', field)).code, 0);
  const back = await rs('import', b2, '--home', hq);
  assert.equal(back.code, 0, back.out + back.err);
  const a = fingerprints(hq);
  assert.deepEqual(fingerprints(field), a);
  assert.equal(a.find((x) => x.table === 'PlaylistTrack')!.rows, 5);
  assert.equal(a.find((x) => x.table === 'Employee')!.rows, 5);
  const margaret = app.prepare('SELECT b.uuid AS u FROM "Employee" e JOIN "Employee" b ON b."EmployeeId" = e."ReportsTo" WHERE e."LastName" = ?').get('Park') as { u: string };
  const fieldBoss = fapp.prepare('SELECT uuid AS u FROM "Employee" WHERE "EmployeeId" = ?').get(boss) as { u: string };
  assert.equal(margaret.u, fieldBoss.u, 'the self-reference followed by UUID');
});

test('init --adopt-copy: a copied, initialised database is adopted; its rows are not claimed twice', async (t) => {
  const dir = tmp(t);
  const hqDb = join(dir, 'chinook.sqlite');
  chinook(hqDb);
  const hq = join(dir, 'hq');
  assert.equal((await rs('init', '--home', hq, '--callsign', 'HQ1', '--db', hqDb, '--tables', TABLES, '--add-uuids')).code, 0);
  const copy = join(dir, 'copy.sqlite');
  copyFileSync(hqDb, copy);
  const fld = join(dir, 'fld');
  const refused = await rs('init', '--home', fld, '--callsign', 'FLD2', '--db', copy, '--tables', TABLES);
  assert.equal(refused.code, 78, 'a copy without --adopt-copy is refused');
  assert.ok(!existsSync(fld), 'and leaves no home behind');
  const r = await rs('init', '--home', fld, '--callsign', 'FLD2', '--db', copy, '--tables', TABLES, '--adopt-copy');
  assert.equal(r.code, 0, r.err);
  await trust(hq, fld, 'HQ1', 'FLD2');
  const st = Station.open(fld, { env: {} });
  try {
    assert.equal(st.records.versionVector()['FLD2'], undefined, 'no change of its own');
    assert.equal(st.records.buildChangeset('HQ1').changes.filter((c) => c.origin === 'FLD2').length, 0);
  } finally {
    st.close();
  }
  assert.deepEqual(fingerprints(fld), fingerprints(hq));
  // a raw copy (no UUIDs yet) cannot be adopted with --add-uuids: its rows would get other UUIDs than HQ's
  const raw = join(dir, 'raw.sqlite');
  chinook(raw);
  const rawBefore = schemaOf(raw);
  const fld3 = join(dir, 'fld3');
  const r3 = await rs('init', '--home', fld3, '--callsign', 'FLD3', '--db', raw, '--tables', TABLES, '--adopt-copy', '--add-uuids');
  assert.equal(r3.code, 78);
  assert.match(r3.err, /add the UUIDs at the original station/);
  assert.equal(schemaOf(raw), rawBefore);
  assert.ok(!existsSync(fld3));
});

test('a failed init changes nothing: no home, no radiosync tables, the app schema as it was', async (t) => {
  const dir = tmp(t);
  const db = join(dir, 'chinook.sqlite');
  chinook(db);
  const before = schemaOf(db);
  const home = join(dir, 'h');
  // no UUID column, no --add-uuids: refused naming the config key
  const r1 = await rs('init', '--home', home, '--callsign', 'N0CALL', '--db', db, '--tables', 'Artist');
  assert.equal(r1.code, 78);
  assert.match(r1.err, /records\.uuid_column/);
  assert.doesNotMatch(r1.err, /uuidColumn/);
  // a table that does not exist, after others that --add-uuids would change
  const r2 = await rs('init', '--home', home, '--callsign', 'N0CALL', '--db', db, '--tables', 'Artist,Album,NoSuchTable', '--add-uuids');
  assert.equal(r2.code, 78);
  assert.match(r2.err, /NoSuchTable/);
  // a UUID column holding non-UUIDs
  const app = new Database(db);
  app.exec(`ALTER TABLE "Genre" ADD COLUMN uuid TEXT; UPDATE "Genre" SET uuid = 'genre-' || "GenreId"`);
  app.close();
  const withBad = schemaOf(db);
  const r3 = await rs('init', '--home', home, '--callsign', 'N0CALL', '--db', db, '--tables', 'Artist,Genre', '--add-uuids', '--json');
  assert.equal(r3.code, 65);
  assert.equal(JSON.parse(r3.err).error.code, 'RS_ERR_STORE_BAD_UUID');
  assert.equal(schemaOf(db), withBad);
  assert.notEqual(before, withBad);
  // --schema-from a file that is not there: no database file is left either
  const nf = join(dir, 'new.sqlite');
  const r4 = await rs('init', '--home', home, '--callsign', 'N0CALL', '--db', nf, '--tables', 'Artist', '--schema-from', join(dir, 'missing.sqlite'));
  assert.equal(r4.code, 78);
  assert.ok(!existsSync(nf));
  assert.ok(!existsSync(home), 'no home directory left behind');
  const check = new Database(db, { readonly: true });
  const ours = check.prepare("SELECT name FROM sqlite_master WHERE name LIKE 'radiosync%'").all();
  const genre = check.prepare('SELECT uuid FROM "Genre" ORDER BY "GenreId"').all();
  check.close();
  assert.deepEqual(ours, []);
  assert.deepEqual(genre, [{ uuid: 'genre-1' }, { uuid: 'genre-2' }, { uuid: 'genre-3' }]);
});

test('radiosync migrate: reports an added column; --sql that drops a column in use exits 78 and changes nothing', async (t) => {
  const dir = tmp(t);
  const db = join(dir, 'chinook.sqlite');
  chinook(db);
  const home = join(dir, 'h');
  assert.equal((await rs('init', '--home', home, '--callsign', 'N0CALL', '--db', db, '--tables', TABLES, '--add-uuids')).code, 0);
  const app = new Database(db);
  app.exec('ALTER TABLE "Artist" ADD COLUMN "Country" TEXT; CREATE TABLE "Review" ("ReviewId" INTEGER PRIMARY KEY, "Text" TEXT)');
  app.close();
  const m = await rs('migrate', '--home', home, '--json');
  assert.equal(m.code, 0, m.err);
  const report = JSON.parse(m.out).migrations as Array<{ table: string; added: string[] }>;
  assert.deepEqual(report.map((x) => [x.table, x.added]), [['Artist', ['Country']]]);
  assert.deepEqual(JSON.parse(m.out).unsynced, ['Review'], 'an added table is reported');
  const before = schemaOf(db);
  const { writeFileSync } = await import('node:fs');
  const script = join(dir, 'm.sql');
  // a table rebuild that loses the foreign-key column TrackId
  writeFileSync(script, `CREATE TABLE "PT2" ("PlaylistId" INTEGER NOT NULL REFERENCES "Playlist" ("PlaylistId"), uuid TEXT);
    INSERT INTO "PT2" SELECT "PlaylistId", uuid FROM "PlaylistTrack"; DROP TABLE "PlaylistTrack"; ALTER TABLE "PT2" RENAME TO "PlaylistTrack";`);
  const r = await rs('migrate', '--home', home, '--sql', script, '--json');
  assert.equal(r.code, 78, r.err);
  const err = JSON.parse(r.err).error;
  assert.equal(err.code, 'RS_ERR_STORE_MIGRATION');
  assert.equal(err.data.column, 'TrackId');
  assert.equal(err.data.key, 'records.table.PlaylistTrack.foreign_keys');
  assert.equal(schemaOf(db), before);
  // a script SQLite itself refuses is the same typed error
  writeFileSync(script, 'ALTER TABLE "Album" DROP COLUMN "ArtistId";');
  const r2 = await rs('migrate', '--home', home, '--sql', script, '--json');
  assert.equal(r2.code, 78, r2.err);
  assert.equal(JSON.parse(r2.err).error.code, 'RS_ERR_STORE_MIGRATION');
  assert.equal(schemaOf(db), before);
});
