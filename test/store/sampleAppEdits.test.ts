import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { tempDir } from './helpers.js';
import { SAMPLE_PATH } from '../../fixtures/gen/sampleApp.js';
import { emptySampleTables, SampleApp } from '../../src/store/sampleApp.js';

const tmp = tempDir();
after(() => tmp.cleanup());
const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-8[0-9a-f]{3}-[0-9a-f]{12}$/;

test('emptySampleTables empties the synced tables and keeps the schema and the reference tables', () => {
  const file = join(tmp.dir, 'empty.sqlite');
  copyFileSync(SAMPLE_PATH, file);
  emptySampleTables(file, ['shelter', 'person', 'supply_request']);
  const db = new Database(file, { readonly: true });
  const n = (t: string) => (db.prepare(`SELECT count(*) AS n FROM ${t}`).get() as { n: number }).n;
  assert.deepEqual([n('shelter'), n('person'), n('supply_request')], [0, 0, 0]);
  assert.ok(n('org_country') > 0, 'reference data kept');
  db.close();
});

test("SampleApp's edits are the application's plain writes", () => {
  const file = join(tmp.dir, 'app.sqlite');
  copyFileSync(SAMPLE_PATH, file);
  const db = new Database(file);
  const app = new SampleApp(db);
  const one = <T>(sql: string, ...p: unknown[]) => db.prepare(sql).get(...p) as T;
  const missing = app.missingPersons(20);
  assert.equal(new Set(missing).size, 20);
  for (const m of missing) assert.equal(one<{ status: string }>('SELECT status FROM person WHERE uuid = ?', m).status, 'missing');
  app.setPersonStatus(missing[0]!, 'found');
  assert.equal(one<{ status: string }>('SELECT status FROM person WHERE uuid = ?', missing[0]).status, 'found');
  assert.equal(app.missingPersons(20)[0], missing[1]);

  const shelter = app.firstOpenShelter();
  assert.deepEqual(one('SELECT deleted, status != \'closed\' AS open FROM shelter WHERE uuid = ?', shelter), { deleted: 0, open: 1 });
  const before = one<{ n: number }>('SELECT count(*) AS n FROM supply_request').n;
  app.openSupplyRequest(shelter, 'blanket', 150);
  const req = one<{ uuid: string; item: string; quantity: number; status: string }>('SELECT uuid, item, quantity, status FROM supply_request ORDER BY rowid DESC LIMIT 1');
  assert.equal(one<{ n: number }>('SELECT count(*) AS n FROM supply_request').n, before + 1);
  assert.match(req.uuid, UUID_V4);
  assert.deepEqual({ ...req, uuid: '' }, { uuid: '', item: 'blanket', quantity: 150, status: 'open' });

  const id = app.shelterId(shelter);
  app.registerArrival({ firstName: 'Maya', lastName: 'Tamang', age: 20, shelterId: id, notes: 'arrived on foot' });
  const p = one<{ uuid: string; status: string; shelter_id: number; phone: string | null }>('SELECT uuid, status, shelter_id, phone FROM person ORDER BY id DESC LIMIT 1');
  assert.match(p.uuid, UUID_V4);
  assert.deepEqual({ status: p.status, shelter: p.shelter_id, phone: p.phone }, { status: 'sheltered', shelter: id, phone: null });

  const [a, b] = app.persons(2, 100);
  assert.deepEqual([a, b], (db.prepare('SELECT uuid FROM person ORDER BY id LIMIT 2 OFFSET 100').all() as Array<{ uuid: string }>).map((r) => r.uuid));
  app.setPersonPhone(a!);
  app.setPersonPhone(b!, '+977-9800000000');
  assert.match(one<{ phone: string }>('SELECT phone FROM person WHERE uuid = ?', a).phone, /^\+977-98\d{1,8}$/);
  assert.equal(one<{ phone: string }>('SELECT phone FROM person WHERE uuid = ?', b).phone, '+977-9800000000');
  db.close();
});
