import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { KissDecoder, kissEncode, FEND, FESC, TFEND, TFESC } from './kissCodec.js';

test('KISS: any frames, cut into any chunks, decode to the same frames in order', () => {
  fc.assert(
    fc.property(
      fc.array(fc.uint8Array({ minLength: 0, maxLength: 300 }), { minLength: 1, maxLength: 8 }),
      fc.array(fc.integer({ min: 1, max: 50 }), { minLength: 1, maxLength: 20 }),
      (payloads, cuts) => {
        const wire = Buffer.concat(payloads.map((p) => kissEncode(0x00, p)));
        const dec = new KissDecoder();
        const got: Uint8Array[] = [];
        let at = 0;
        for (let i = 0; at < wire.length; i++) {
          const n = cuts[i % cuts.length]!;
          got.push(...dec.push(wire.subarray(at, at + n)));
          at += n;
        }
        assert.deepEqual(got.map((f) => Buffer.from(f).toString('hex')), payloads.map((p) => Buffer.from([0x00, ...p]).toString('hex')));
      },
    ),
    { seed: 1201, numRuns: 300 },
  );
});

test('KISS: FEND and FESC in data are escaped, never sent raw', () => {
  const e = kissEncode(0x00, Uint8Array.from([FEND, 1, FESC, 2]));
  assert.deepEqual([...e], [FEND, 0x00, FESC, TFEND, 1, FESC, TFESC, 2, FEND]);
});

test('KISS: an oversize frame and a bad escape are dropped whole and counted; the next frame still decodes', () => {
  const dec = new KissDecoder(10);
  const big = kissEncode(0x00, new Uint8Array(20).fill(7));
  const badEsc = Uint8Array.from([FEND, 0x00, 1, FESC, 0x55, 2, FEND]);
  const good = kissEncode(0x00, Uint8Array.from([9, 9]));
  const got = dec.push(Buffer.concat([big, badEsc, good]));
  assert.deepEqual(got.map((f) => [...f]), [[0, 9, 9]]);
  assert.equal(dec.counters.oversize, 1);
  assert.equal(dec.counters.badEscape, 1);
});

test('KISS: bytes before the first FEND and empty frames (back-to-back FENDs) yield nothing', () => {
  const dec = new KissDecoder();
  assert.deepEqual(dec.push(Uint8Array.from([1, 2, 3, FEND, FEND, FEND])), []);
  assert.deepEqual(dec.push(Uint8Array.from([0x00, 5, FEND])).map((f) => [...f]), [[0, 5]]);
});
