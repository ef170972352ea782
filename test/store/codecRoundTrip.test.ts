import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { tempDir, makeStation, seedFile, introduce, closeAll, assertSameTables } from './helpers.js';
import { encodeChangeset, decodeChangeset } from '../../src/changeset/codec.js';
import { payloadHash } from '../../src/store/hash.js';

const tmp = tempDir();
let seed = '';
before(() => {
  seed = seedFile(tmp.dir);
});
after(() => tmp.cleanup());

test('store changesets survive the wire codec: encode, decode, apply, converge; the payload hash dedups', () => {
  const a = makeStation(tmp.dir, 'A1', { seedFile: seed });
  const b = makeStation(tmp.dir, 'B2', { seedFile: seed });
  const c = makeStation(tmp.dir, 'C3', { seedFile: seed });
  introduce([a, b, c]);
  a.app.prepare(`INSERT INTO person(uuid, first_name, age, shelter_id) VALUES ('a0000000-0000-4000-8000-000000000001', 'Wire', 30, 2)`).run();
  a.app.prepare(`UPDATE person SET notes = 'n', lat = 27.5 WHERE id = 20`).run();
  b.app.prepare(`UPDATE person SET notes = 'b' WHERE id = 21`).run();
  const fromB = decodeChangeset(encodeChangeset(b.store.buildChangeset('A1')));
  a.store.applyChangeset(fromB);
  a.app.prepare(`UPDATE person SET age = 5 WHERE id = 21`).run(); // carries a ctx naming B2
  a.app.prepare(`DELETE FROM supply_request WHERE rowid = 3`).run();
  const cs = a.store.buildChangeset('C3');
  assert.ok(cs.changes.some((x) => x.kind === 'upsert' && x.ctx !== undefined));
  const bytes = encodeChangeset(cs);
  const back = decodeChangeset(bytes);
  assert.equal(back.changes.length, cs.changes.length);
  const r = c.store.applyChangeset(back, { hash: payloadHash(bytes) });
  assert.equal(r.applied, cs.changes.length);
  assert.equal(c.store.applyChangeset(decodeChangeset(bytes), { hash: payloadHash(bytes) }).duplicate, true);
  assertSameTables(a, c);
  closeAll([a, b, c]);
});
