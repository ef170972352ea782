import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { tempDir, makeStation, seedFile, closeAll, introduce, assertSameTables } from './helpers.js';
import { changesetFromExport } from '../../src/store/exportJson.js';
import { isRadiosyncError } from '../../src/errors/RadiosyncError.js';

const tmp = tempDir();
let seed = '';
before(() => {
  seed = seedFile(tmp.dir);
});
after(() => tmp.cleanup());

test('JSON export by sequence range and by date range, in an open, self-describing format', () => {
  const a = makeStation(tmp.dir, 'A1', { seedFile: seed });
  const base = a.store.versionVector()['A1']!;
  a.clock.advance(3_600_000);
  const t1 = a.clock.now();
  a.app.prepare(`UPDATE person SET notes = 'hour 1' WHERE id = 1`).run();
  a.store.capture();
  a.clock.advance(3_600_000);
  const t2 = a.clock.now();
  a.app.prepare(`UPDATE person SET shelter_id = 4 WHERE id = 2`).run();
  a.app.prepare(`DELETE FROM person WHERE id = 3`).run();
  a.store.capture();

  const bySeq = a.store.exportChanges({ origin: 'A1', fromSeq: base + 1, toSeq: base + 2 });
  assert.equal(bySeq.format, 'radiosync-changes');
  assert.equal(bySeq.changes.length, 2);
  assert.deepEqual(bySeq.changes.map((c) => c.seq), [base + 1, base + 2]);
  assert.equal(bySeq.changes[0]!.fields['notes'], 'hour 1');
  const shelterUuid = (a.app.prepare('SELECT uuid FROM shelter WHERE id = 4').get() as { uuid: string }).uuid;
  assert.deepEqual(bySeq.changes[1]!.fields['shelter_id'], { $uuid: shelterUuid });
  assert.match(bySeq.changes[0]!.id, /^[0-9a-f]{8}-[0-9a-f]{4}-/);

  const byDate = a.store.exportChanges({ since: t2, until: t2 + 1000 });
  assert.deepEqual(byDate.changes.map((c) => c.kind), ['upsert', 'delete']);
  assert.equal(new Date(byDate.changes[0]!.time).getTime(), t2);
  const window1 = a.store.exportChanges({ since: t1, until: t2 - 1, tables: ['person'] });
  assert.equal(window1.changes.length, 1);
  // Plain JSON: survives a round trip through text.
  assert.deepEqual(JSON.parse(JSON.stringify(bySeq)), bySeq);
  closeAll([a]);
});

test('an export read back (e.g. sent by email) applies like the changeset it describes', () => {
  const a = makeStation(tmp.dir, 'A1', { seedFile: seed });
  const b = makeStation(tmp.dir, 'B2', { seedFile: seed });
  introduce([a, b]);
  const base = a.store.versionVector()['A1']!;
  a.app.prepare(`UPDATE person SET notes = 'by email', shelter_id = 5 WHERE id = 30`).run();
  a.app.prepare(`DELETE FROM person WHERE id = (SELECT min(id) FROM person WHERE id NOT IN (SELECT requester_id FROM supply_request WHERE requester_id IS NOT NULL))`).run();
  a.app.prepare(`INSERT INTO supply_request(uuid, item, quantity, requester_id) VALUES ('b0000000-0000-4000-8000-000000000009', 'soap', 2, 32)`).run();
  a.store.capture();
  const text = JSON.stringify(a.store.exportChanges({ origin: 'A1', fromSeq: base + 1 }));
  const r = b.store.applyChangeset(changesetFromExport(JSON.parse(text)));
  assert.equal(r.applied, 3);
  assertSameTables(a, b);
  assert.throws(() => changesetFromExport({ format: 'other' }), (e) => isRadiosyncError(e, 'RS_ERR_STORE_BAD_CHANGE'));
  closeAll([a, b]);
});
