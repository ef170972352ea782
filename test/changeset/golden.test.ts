/**
 * The byte-level example of docs/protocol.md §4: this changeset's CBOR tree must be
 * exactly these bytes (the v1 schema is frozen; a change here is a wire-format change).
 */
import { test } from 'node:test';
import { readFileSync } from 'node:fs';
import assert from 'node:assert/strict';
import { decodeChangeset, encodeChangeset, encodeChangesetCbor } from '../../src/changeset/codec.js';
import type { Changeset } from '../../src/changeset/Changeset.js';

export const GOLDEN_CHANGESET: Changeset = {
  version: 1,
  from: 'N0CALL-1',
  to: ['N0CALL-2'],
  created: 1430028000250,
  upto: { 'N0CALL-1': 8 },
  changes: [
    {
      table: 'person', id: Uint8Array.from({ length: 16 }, (_, i) => 0x10 + i), origin: 'N0CALL-1', seq: 7,
      hlc: 1430028000000n << 16n, kind: 'upsert', fields: { given_name: 'Sita', age: 34, lat: 27.71234, phone: null },
    },
    {
      table: 'person', id: Uint8Array.from({ length: 16 }, (_, i) => 0xa0 + i), origin: 'N0CALL-1', seq: 8,
      hlc: (1430028000000n << 16n) | 1n, kind: 'delete', fields: {}, ctx: { 'N0CALL-1': 3 },
    },
  ],
  chunks: [{ hash: Uint8Array.of(1, 2, 3, 4), data: new TextEncoder().encode('hi') }],
};

export const GOLDEN_CBOR_HEX = [
  '89', // array(9)
  '82684e3043414c4c2d31684e3043414c4c2d32', // 0 stations ["N0CALL-1", "N0CALL-2"]
  '8101', // 1 to [1]
  '18fa', // 2 created: 250 ms after the last row's HLC time
  '82', '00', '08', // 3 upto [station 0, seq 8]
  '8166706572736f6e', // 4 tables ["person"]
  '02', // 5 n = 2
  '89', // 6 rows: array(9)
  '00', // tableIdx: constant 0
  '8300105820101112131415161718191a1b1c1d1e1fa0a1a2a3a4a5a6a7a8a9aaabacadaeaf', // ids [0 fixed, 16, 32 bytes]
  '00', // origin: constant 0
  '43000e02', // seqDelta: h'00 0e 02' plain svarints 7, 1
  'fb4274cf44f9b00000', // hlcMs: constant 1430028000000 (cbor-x writes > 2^32 as float64)
  '43000002', // hlcCount: plain 0, 1
  '43000002', // kind: plain 0 (upsert), 1 (delete)
  '43000002', // hasCtx: plain 0, 1
  '83', '01', '00', '03', // ctx: [entries 1, stations 0, seqs 3] (constant streams)
  '81', // 7 fields: one block (person)
  '84', // block: array(4)
  '846a676976656e5f6e616d6563616765636c61746570686f6e65', // columns ["given_name","age","lat","phone"]
  '82840001020380', // patterns [[0,1,2,3], []]
  '43000002', // pattern per row: plain 0, 1
  '84', // 4 columns
  '82068200816453697461', // given_name: [type 6 string, [0 raw, ["Sita"]]]
  '82031822', // age: [type 3 int, constant 34]
  '82048300051a002a4922', // lat: [type 4 float, [0 decimal, scale 5, constant 2771234]]
  '8100', // phone: [type 0 null]
  '83', '01', '8300044401020304', '830002426869', // 8 chunks [1, hashes [0,4,h'01020304'], data [0,2,"hi"]]
].join('');

test('the golden changeset encodes to exactly the documented CBOR bytes', () => {
  assert.equal(Buffer.from(encodeChangesetCbor(GOLDEN_CHANGESET)).toString('hex'), GOLDEN_CBOR_HEX);
});

test('the worked example\'s sizes in docs/protocol.md §4 are the encoder\'s', () => {
  const doc = readFileSync(new URL('../../docs/protocol.md', import.meta.url), 'utf8');
  const m = /(\d+) bytes of CBOR, (\d+) with the header and deflate/.exec(doc);
  assert.ok(m, 'the sentence is in §4');
  assert.equal(Number(m[1]), GOLDEN_CBOR_HEX.length / 2);
  assert.equal(Number(m[2]), encodeChangeset(GOLDEN_CHANGESET).length);
});

test('the golden bytes decode back to the golden changeset, deflated (0x10) or stored (0x11)', () => {
  const cbor = Buffer.from(GOLDEN_CBOR_HEX, 'hex');
  assert.deepStrictEqual(decodeChangeset(new Uint8Array([0x11, ...cbor])), GOLDEN_CHANGESET);
  const payload = encodeChangeset(GOLDEN_CHANGESET);
  assert.equal(payload[0]! >> 4, 1);
  assert.deepStrictEqual(decodeChangeset(payload), GOLDEN_CHANGESET);
});
