import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { tempDir, makeStation, seedFile, closeAll } from './helpers.js';
import { rowCounts } from '../../src/store/rowCounts.js';
import { syncedRows } from '../../src/store/syncedRows.js';
import { TRAINING_SHELTER_UUID } from '../../fixtures/gen/sampleApp.js';

const tmp = tempDir();
let seed = '';
before(() => {
  seed = seedFile(tmp.dir);
});
after(() => tmp.cleanup());

test('rowCounts counts the synced tables and the change log; a captured application insert adds one of each', () => {
  const a = makeStation(tmp.dir, 'A1', { seedFile: seed });
  const before = rowCounts(a.store);
  const n = (t: string) => (a.app.prepare(`SELECT count(*) AS n FROM ${t}`).get() as { n: number }).n;
  assert.equal(before.rows, n('shelter') + n('person') + n('supply_request'));
  assert.ok(before.rows > 3000, 'the sample application has 3000 persons and more');
  a.app.prepare(`INSERT INTO person(uuid, first_name, shelter_id) VALUES ('0a1b2c3d-0000-4000-8000-000000000009', 'Asha', 3)`).run();
  assert.deepEqual(rowCounts(a.store), { rows: before.rows + 1, logEntries: before.logEntries }, 'not in the log before capture');
  a.store.capture();
  assert.deepEqual(rowCounts(a.store), { rows: before.rows + 1, logEntries: before.logEntries + 1 });
  closeAll([a]);
});

test('syncedRows leaves out excluded rows and replaces local foreign keys by UUIDs', () => {
  const a = makeStation(tmp.dir, 'A2', { seedFile: seed });
  const tables = syncedRows(a.store);
  const shelter = tables.find((t) => t.table === 'shelter')!;
  const person = tables.find((t) => t.table === 'person')!;
  assert.equal(shelter.columns[0], 'uuid');
  assert.ok(!shelter.rows.some((r) => String(r[0]).toLowerCase() === TRAINING_SHELTER_UUID), 'the training shelter never syncs');
  const shelterUuids = new Set(shelter.rows.map((r) => r[0]));
  const fk = person.columns.indexOf('shelter_id');
  assert.ok(fk > 0);
  const refs = person.rows.map((r) => r[fk]).filter((v) => v !== null);
  assert.ok(refs.length > 0 && refs.every((v) => typeof v === 'string' && (shelterUuids.has(v) || v === TRAINING_SHELTER_UUID)), 'shelter_id is the shelter\'s UUID');
  closeAll([a]);
});
