import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import Database from 'better-sqlite3';
import { tempDir } from './helpers.js';
import { generateSampleApp, SAMPLE_PATH, countryUuid } from '../../fixtures/gen/sampleApp.js';

const tmp = tempDir();
after(() => tmp.cleanup());

function dump(file: string): Record<string, string> {
  const db = new Database(file, { readonly: true });
  const out: Record<string, string> = {};
  for (const t of ['org_country', 'site_setting', 'shelter', 'person', 'supply_request']) {
    const h = createHash('sha256');
    for (const r of db.prepare(`SELECT * FROM ${t} ORDER BY rowid`).all()) h.update(JSON.stringify(r));
    out[t] = h.digest('hex');
  }
  db.close();
  return out;
}

test('fixtures/sample-app.sqlite is what the generator makes, with the documented shape', () => {
  const file = join(tmp.dir, 'regen.sqlite');
  generateSampleApp(file);
  assert.deepEqual(dump(file), dump(SAMPLE_PATH), 'regenerate with: npx tsx fixtures/gen/sampleApp.ts');
  const db = new Database(SAMPLE_PATH, { readonly: true });
  const n = (sql: string) => (db.prepare(sql).get() as { n: number }).n;
  assert.equal(n('SELECT count(*) AS n FROM person'), 3000);
  assert.equal(n('SELECT count(*) AS n FROM supply_request'), 1500);
  assert.ok(n('SELECT count(*) AS n FROM shelter') >= 20);
  assert.equal(n('SELECT count(*) AS n FROM person p JOIN shelter s ON s.id = p.shelter_id'), 3000, 'person → shelter by local id');
  assert.equal(n('SELECT count(*) AS n FROM supply_request r JOIN shelter s ON s.uuid = r.shelter_uuid'), 1500, 'request → shelter by uuid');
  assert.equal((db.prepare('SELECT uuid FROM org_country WHERE code = ?').get('NP') as { uuid: string }).uuid, countryUuid(0));
  db.close();
});
