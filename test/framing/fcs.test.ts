import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { appendFcs, checkFcs, crc16x25 } from '../../src/framing/fcs.js';

test('CRC-16/X.25 check value of "123456789" is 0x906E', () => {
  assert.equal(crc16x25(new TextEncoder().encode('123456789')), 0x906e);
  assert.deepEqual([...appendFcs(new TextEncoder().encode('123456789')).subarray(9)], [0x6e, 0x90]);
});

test('property: appended FCS checks, and any single bit flip is detected', () => {
  fc.assert(
    fc.property(fc.uint8Array({ minLength: 1, maxLength: 300 }), fc.nat(), (data, flip) => {
      const framed = appendFcs(data);
      assert.ok(checkFcs(framed));
      framed[(flip >> 3) % framed.length]! ^= 1 << (flip & 7);
      assert.equal(checkFcs(framed), false);
    }),
    { seed: 42, numRuns: 300 },
  );
});
