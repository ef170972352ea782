/**
 * Rows held but not written to the application's tables (parked) are not "done": the logs of the
 * two stations agree ("in sync"), yet the user's tables at the receiver do not hold the data. Found
 * by an outside trial: a field station whose reference table (org_country, not synced) was empty
 * parked every shelter, and so every person, while `sync` and `import` exited 0, "in sync".
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { readFileSync, writeFileSync } from 'node:fs';
import Database from 'better-sqlite3';
import { makeStations, tempDir } from './stations.js';
import { exportBundle } from '../../src/sync/bundleExport.js';
import { importBundle } from '../../src/sync/bundleImport.js';
import { importOutcome } from '../../src/sync/outcome.js';
import { captureRecords } from '../../src/sync/captureRecords.js';
import { tableFingerprints } from '../../src/sync/tableFingerprint.js';
import { radiosync } from '../cli/cliHarness.js';
import { Station } from '../../src/station/Station.js';

test('a bundle whose rows park (a reference table empty here) is not "done" (exit 1, RS_ERR_SYNC_WAITING); once the application adds what they wait for, the next daemon round writes them without any new changeset', async () => {
  const { dir, cleanup } = tempDir('radiosync-waiting-');
  try {
    const [a, b0] = makeStations(dir, ['N0AAA', 'N0BBB']);
    // the field station's copy of the reference table is empty
    const countries = a!.records.db.prepare('SELECT * FROM org_country').all() as Array<Record<string, unknown>>;
    assert.ok(countries.length > 0);
    b0!.records.db.prepare('DELETE FROM org_country').run();
    const bundle = join(dir, 'a-to-b.rsb');
    writeFileSync(bundle, exportBundle(a!, ['N0BBB']).bytes);
    const bHome = b0!.layout.home;
    b0!.close();

    // the real command line: applied and held, digests agree, but the tables are not there
    const cli = radiosync(['import', bundle, '--home', bHome, '--json']);
    assert.equal(cli.code, 1, cli.stderr);
    assert.match(cli.stderr, /RS_ERR_SYNC_WAITING/);
    const j = JSON.parse(cli.stdout) as { rowsApplied: number; waiting: number; verdict: { state: string } };
    assert.ok(j.rowsApplied > 1000);
    assert.equal(j.verdict.state, 'in sync', 'the logs agree');
    assert.ok(j.waiting > 1000, `waiting ${j.waiting}`);

    const b = Station.open(bHome, { env: {} });
    try {
      assert.notDeepEqual(tableFingerprints(b.records), tableFingerprints(a!.records));
      // nothing new from the application: a daemon round leaves them waiting
      assert.equal(captureRecords(b, () => undefined), true);
      assert.ok(b.records.parkedCount() > 1000);
      // the application puts its reference data in
      const app = new Database(join(dir, 'N0BBB.sqlite'));
      const cols = Object.keys(countries[0]!);
      const ins = app.prepare(`INSERT INTO org_country (${cols.join(', ')}) VALUES (${cols.map(() => '?').join(', ')})`);
      for (const c of countries) ins.run(...cols.map((k) => c[k] as never));
      app.close();
      // a daemon's next round (no changeset at all) writes them: the application committed since
      assert.ok(b.records.parkedCount() > 1000);
      assert.equal(captureRecords(b, () => undefined), true);
      assert.equal(b.records.parkedCount(), 0);
      assert.deepEqual(tableFingerprints(b.records), tableFingerprints(a!.records));
      // and importing the same bundle again is now done (exit 0)
      const again = await importBundle(b, new Uint8Array(readFileSync(bundle)));
      assert.equal(again.rowsApplied, 0);
      assert.equal(again.waiting, 0);
      assert.equal(importOutcome(again).exit, 0);
    } finally {
      b.close();
    }
    a!.close();
  } finally {
    cleanup();
  }
});

test('init names the references to tables that are not synced, with the rows each holds here (0: rows will wait)', async () => {
  const { copySampleDb, createEmptySampleDb } = await import('../../src/demo/sampleData.js');
  const { dir, cleanup } = tempDir('radiosync-waiting-init-');
  try {
    copySampleDb(join(dir, 'a.sqlite'));
    createEmptySampleDb(join(dir, 'b.sqlite'));
    const db = new Database(join(dir, 'b.sqlite'));
    db.exec('DELETE FROM org_country');
    db.close();
    const a = radiosync(['init', '--home', join(dir, 'A'), '--callsign', 'N0AAA', '--db', join(dir, 'a.sqlite'), '--tables', 'shelter,person,supply_request']);
    assert.equal(a.code, 0, a.stderr);
    assert.match(a.stdout, /note: shelter\.country_id references org_country, which is not synced \(15 rows here\)/);
    const b = radiosync(['init', '--home', join(dir, 'B'), '--callsign', 'N0BBB', '--db', join(dir, 'b.sqlite'), '--tables', 'shelter,person,supply_request', '--json']);
    assert.equal(b.code, 0, b.stderr);
    assert.deepEqual((JSON.parse(b.stdout) as { unsyncedReferences: unknown }).unsyncedReferences, [{ table: 'shelter', column: 'country_id', references: 'org_country', rows: 0 }]);
  } finally {
    cleanup();
  }
});
