import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { canonicalJson, changesetHash } from '../../src/store/hash.js';
import type { Changeset } from '../../src/changeset/Changeset.js';

const cs: Changeset = {
  version: 1, from: 'A1', to: ['B2'], created: 5, upto: { A1: 2 }, chunks: [],
  changes: [
    { table: 't', id: new Uint8Array(16).fill(1), origin: 'A1', seq: 1, hlc: 5n, kind: 'upsert', fields: { a: 1, b: new Uint8Array([9]) } },
    { table: 't', id: new Uint8Array(16).fill(1), origin: 'A1', seq: 2, hlc: 6n, kind: 'delete', fields: {}, ctx: { B2: 4 } },
  ],
};

test('the canonical hash is SHA-256 of the canonical JSON, independent of key order', () => {
  const expected = createHash('sha256').update(canonicalJson(cs)).digest('hex');
  assert.equal(Buffer.from(changesetHash(cs)).toString('hex'), expected);
  const reordered = { chunks: [], changes: cs.changes, upto: cs.upto, created: 5, to: ['B2'], from: 'A1', version: 1 } as Changeset;
  assert.deepEqual(changesetHash(reordered), changesetHash(cs));
  assert.notDeepEqual(changesetHash({ ...cs, created: 6 }), changesetHash(cs));
});
