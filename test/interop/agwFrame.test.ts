import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { AGW_HEADER_BYTES, AgwDecoder, encodeAgwFrame, MAX_AGW_DATA_BYTES } from './agwFrame.js';

test('AGW header layout: port, kind, PID, calls, little-endian length', () => {
  const b = encodeAgwFrame({ port: 1, kind: 'D', pid: 0xf0, callFrom: 'N0AAA', callTo: 'N0BBB-7', data: Uint8Array.of(9, 8, 7) });
  assert.equal(b.length, AGW_HEADER_BYTES + 3);
  assert.equal(b[0], 1);
  assert.equal(b[4], 'D'.charCodeAt(0));
  assert.equal(b[6], 0xf0);
  assert.equal(Buffer.from(b.subarray(8, 18)).toString('latin1'), 'N0AAA\0\0\0\0\0');
  assert.equal(Buffer.from(b.subarray(18, 28)).toString('latin1'), 'N0BBB-7\0\0\0');
  assert.deepEqual([...b.subarray(28, 36)], [3, 0, 0, 0, 0, 0, 0, 0]);
  assert.deepEqual([...b.subarray(36)], [9, 8, 7]);
});

test('AGW decoder: frames split anywhere come back whole and in order', () => {
  const call = fc.stringMatching(/^[A-Z0-9]{1,6}(-[0-9])?$/);
  const frame = fc.record({
    port: fc.integer({ min: 0, max: 255 }),
    kind: fc.constantFrom('X', 'C', 'D', 'd', 'Y', 'R'),
    pid: fc.integer({ min: 0, max: 255 }),
    callFrom: call,
    callTo: call,
    data: fc.uint8Array({ maxLength: 300 }),
  });
  fc.assert(
    fc.property(fc.array(frame, { maxLength: 6 }), fc.array(fc.integer({ min: 1, max: 50 }), { minLength: 1 }), (frames, cuts) => {
      const all = Buffer.concat(frames.map((f) => encodeAgwFrame(f)));
      const d = new AgwDecoder();
      const out = [];
      let pos = 0;
      for (let i = 0; pos < all.length; i++) {
        const n = cuts[i % cuts.length]!;
        out.push(...d.push(all.subarray(pos, pos + n)));
        pos += n;
      }
      assert.deepEqual(
        out.map((f) => ({ ...f, data: [...f.data] })),
        frames.map((f) => ({ ...f, data: [...f.data] })),
      );
    }),
    { seed: 42, numRuns: 200 },
  );
});

test('AGW decoder: an absurd length is counted, not buffered', () => {
  const b = encodeAgwFrame({ kind: 'D' });
  new DataView(b.buffer).setUint32(28, MAX_AGW_DATA_BYTES + 1, true);
  const d = new AgwDecoder();
  assert.deepEqual(d.push(b), []);
  assert.equal(d.stats.oversized, 1);
  // The decoder starts afresh after it.
  assert.equal(d.push(encodeAgwFrame({ kind: 'R' }))[0]?.kind, 'R');
});
