import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { decodeFrame } from '../../src/link/decodeFrame.js';
import { encodeDataFrame, FrameType } from '../../src/link/frameHeader.js';
import { encodeAnnounceFrame } from '../../src/link/announceFrame.js';
import { encodeAckFrame, MAX_ACK_ENTRIES } from '../../src/link/ackFrame.js';
import { encodeCancelFrame, encodeHelloFrame } from '../../src/link/controlFrames.js';
import { readVarint, varintLength, writeVarint } from '../../src/util/varint.js';

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

test('golden vectors (protocol version 2): DATA, ANNOUNCE, group ANNOUNCE, ACK, CANCEL, HELLO', () => {
  assert.equal(hex(encodeDataFrame({ eob: false, transferId: 0x1234, burst: 5, block: 3, shard: 40, k: 32, payload: Uint8Array.of(0xaa, 0xbb) })), '80123405032820aabb');
  // only the low 8 bits of the burst number ride in DATA
  assert.equal(hex(encodeDataFrame({ eob: true, transferId: 1, burst: 0x1ff, block: 200, shard: 0, k: 1, payload: Uint8Array.of(7) })), '810001ffc801000107');
  const hash = Uint8Array.from([1, 2, 3, 4, 5, 6, 7, 8]);
  assert.equal(hex(encodeAnnounceFrame({ eob: true, transferId: 9, burst: 0x0102, size: 51200, shardSize: 250, k: 64, hash })), '890009' + '0102' + '809003' + '00fa' + '40' + '0102030405060708');
  assert.equal(
    hex(encodeAnnounceFrame({ eob: false, transferId: 9, burst: 0, size: 100, shardSize: 250, k: 1, hash, receivers: ['AB1C', 'DE2F-3'], pending: [false, true] })),
    '8c0009' + '0000' + '64' + '00fa' + '01' + '0102030405060708' + '02' + '04' + hex(new TextEncoder().encode('AB1C')) + '06' + hex(new TextEncoder().encode('DE2F-3')) + '02',
  );
  assert.equal(hex(encodeAckFrame({ eob: true, transferId: 9, known: true, complete: false, hashMismatch: false, rejected: false, heard: 70, burst: 7, base: 2, needs: [0, 3] })), '91000901460007020200' + '03');
  assert.equal(
    hex(encodeAckFrame({ eob: true, transferId: 9, known: true, complete: true, hashMismatch: false, rejected: false, heard: 5, burst: 0x0203, base: 4, needs: [], receipt: Uint8Array.of(0xee) }, () => new Uint8Array(8).fill(0x77))),
    '9300090b050203040001ee' + '77'.repeat(8),
  );
  assert.equal(hex(encodeAckFrame({ eob: false, transferId: 9, known: true, complete: false, hashMismatch: false, rejected: false, heard: 30, burst: 0xffff, base: 1, needs: [5] })), '900009011effff010105');
  assert.equal(hex(encodeCancelFrame({ eob: true, transferId: 0xbeef, reason: 1 })), 'a1beef01');
  assert.equal(hex(encodeHelloFrame({ eob: true, body: Uint8Array.of(1) })), '9901');
  // a version-1 frame is refused with a typed error
  const v1 = decodeFrame(Uint8Array.of(0x41, 0x00, 0x01, 0xc8, 0x01, 0x00, 0x01, 0x07));
  assert.equal(v1.ok, false);
  assert.equal(!v1.ok && v1.error.code, 'RS_ERR_LINK_VERSION');
});

test('varints round-trip, have one encoding, and are bounded', () => {
  fc.assert(
    fc.property(fc.integer({ min: 0, max: 2 ** 35 - 1 }), (v) => {
      const out = new Uint8Array(8);
      const end = writeVarint(out, 0, v);
      assert.equal(end, varintLength(v));
      assert.deepEqual(readVarint(out, 0, 5), { value: v, next: end });
    }),
    { seed: 42, numRuns: 500 },
  );
  assert.equal(readVarint(Uint8Array.of(0x80, 0x00), 0, 3), undefined);
  assert.equal(readVarint(Uint8Array.of(0xff, 0xff, 0xff, 0x01), 0, 3), undefined);
});

const arbBytes = (max: number) => fc.uint8Array({ minLength: 1, maxLength: max });

test('every frame type round-trips', () => {
  fc.assert(
    fc.property(fc.boolean(), fc.integer({ min: 0, max: 0xffff }), fc.integer({ min: 0, max: 255 }), fc.integer({ min: 0, max: 2 ** 21 - 1 }), fc.integer({ min: 0, max: 255 }), fc.integer({ min: 1, max: 255 }), arbBytes(300), (eob, id, burst, block, shard, k, payload) => {
      const r = decodeFrame(encodeDataFrame({ eob, transferId: id, burst, block, shard, k, payload }));
      assert.ok(r.ok);
      assert.deepEqual({ ...r.frame, payload: Array.from((r.frame as { payload: Uint8Array }).payload) }, { type: FrameType.Data, eob, transferId: id, burst, block, shard, k, payload: Array.from(payload) });
    }),
    { seed: 42, numRuns: 200 },
  );
  fc.assert(
    fc.property(
      fc.boolean(),
      fc.integer({ min: 0, max: 0xffff }),
      fc.integer({ min: 0, max: 0xffff }),
      fc.integer({ min: 0, max: 128 * 1024 * 1024 }),
      fc.integer({ min: 1, max: 2048 }),
      fc.integer({ min: 1, max: 255 }),
      fc.uint8Array({ minLength: 8, maxLength: 8 }),
      fc.option(fc.array(fc.tuple(fc.stringMatching(/^[A-Z0-9]{1,6}(-[0-9]{1,2})?$/), fc.boolean()), { minLength: 1, maxLength: 16 }), { nil: undefined }),
      (eob, id, burst, size, shardSize, k, hash, group) => {
        const f = { eob, transferId: id, burst, size, shardSize, k, hash, ...(group ? { receivers: group.map((g) => g[0]), pending: group.map((g) => g[1]) } : {}) };
        const r = decodeFrame(encodeAnnounceFrame(f));
        assert.ok(r.ok);
        assert.deepEqual(r.frame, { type: FrameType.Announce, ...f });
      },
    ),
    { seed: 42, numRuns: 200 },
  );
  fc.assert(
    fc.property(
      fc.record({
        eob: fc.boolean(),
        transferId: fc.integer({ min: 0, max: 0xffff }),
        known: fc.boolean(),
        complete: fc.boolean(),
        hashMismatch: fc.boolean(),
        rejected: fc.boolean(),
        heard: fc.integer({ min: 0, max: 255 }),
        burst: fc.integer({ min: 0, max: 0xffff }),
        base: fc.integer({ min: 0, max: 2 ** 21 - 1 }),
        needs: fc.array(fc.integer({ min: 0, max: 255 }), { maxLength: MAX_ACK_ENTRIES }),
      }),
      fc.option(fc.uint8Array({ maxLength: 64 }), { nil: undefined }),
      fc.boolean(),
      (fields, receipt, signed) => {
        const f = receipt ? { ...fields, receipt } : fields;
        const tag = new Uint8Array(8).fill(3);
        const r = decodeFrame(encodeAckFrame(f, signed ? () => tag : undefined));
        assert.ok(r.ok);
        const { tag: t, signed: s, ...rest } = r.frame as typeof r.frame & { tag?: Uint8Array; signed?: Uint8Array };
        assert.deepEqual(rest, { type: FrameType.Ack, ...f });
        if (signed) assert.deepEqual(t, tag);
        else assert.equal(s, undefined);
      },
    ),
    { seed: 42, numRuns: 200 },
  );
});

test('decoders never throw on random or bit-flipped input, and return typed errors', () => {
  const good = [
    encodeDataFrame({ eob: true, transferId: 7, burst: 3, block: 130, shard: 3, k: 9, payload: new Uint8Array(20).fill(1) }),
    encodeAnnounceFrame({ eob: false, transferId: 7, burst: 300, size: 1000, shardSize: 200, k: 5, hash: new Uint8Array(8), receivers: ['A1', 'B2'], pending: [true, true] }),
    encodeAckFrame({ eob: true, transferId: 7, known: true, complete: false, hashMismatch: false, rejected: false, heard: 4, burst: 300, base: 1, needs: [1, 2, 3] }),
  ];
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 400 }), (bytes) => {
      const r = decodeFrame(bytes);
      if (!r.ok) assert.match(r.error.code, /^RS_ERR_LINK_/);
    }),
    { seed: 42, numRuns: 2000 },
  );
  fc.assert(
    fc.property(fc.integer({ min: 0, max: 2 }), fc.nat(), fc.integer({ min: 0, max: 7 }), fc.nat(), (which, pos, bit, cut) => {
      const b = good[which]!.slice();
      b[pos % b.length]! ^= 1 << bit;
      for (const input of [b, b.subarray(0, cut % (b.length + 1))]) {
        const r = decodeFrame(input);
        if (!r.ok) assert.match(r.error.code, /^RS_ERR_LINK_/);
      }
    }),
    { seed: 42, numRuns: 2000 },
  );
});
