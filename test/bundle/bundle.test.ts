import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { decodeBundle, encodeBundle, BundleItemKind, type Bundle } from '../../src/bundle/bundle.js';
import { isRadiosyncError } from '../../src/errors/RadiosyncError.js';

const sample: Bundle = {
  from: 'N0CALL-1',
  to: ['EA4XYZ', 'HQ-2'],
  created: 1_700_000_000_000,
  exportId: new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8]),
  part: 1,
  parts: 1,
  items: [
    { kind: BundleItemKind.Changeset, data: new Uint8Array([1, 2, 3]) },
    { kind: BundleItemKind.Ack, data: new Uint8Array([9]) },
  ],
};

test('bundle round trip', () => {
  assert.deepEqual(decodeBundle(encodeBundle(sample)), sample);
});

test('every truncation is rejected as truncated, never decoded partially', () => {
  const bytes = encodeBundle(sample);
  for (let n = 13; n < bytes.length; n++) {
    assert.throws(() => decodeBundle(bytes.subarray(0, n)), (e) => isRadiosyncError(e, 'RS_ERR_BUNDLE_TRUNCATED'));
  }
  assert.throws(() => decodeBundle(bytes.subarray(0, 4)), (e) => isRadiosyncError(e, 'RS_ERR_BUNDLE_MAGIC'));
});

test('any flipped bit is caught with a typed error', () => {
  const bytes = encodeBundle(sample);
  fc.assert(
    fc.property(fc.integer({ min: 0, max: bytes.length * 8 - 1 }), (bit) => {
      const b = bytes.slice();
      b[bit >> 3]! ^= 1 << (bit & 7);
      try {
        decodeBundle(b);
        return false;
      } catch (e) {
        return isRadiosyncError(e) && e.code.startsWith('RS_ERR_BUNDLE_');
      }
    }),
    { seed: 7, numRuns: 300 },
  );
});

test('random bytes never throw anything but a typed bundle error', () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 200 }), fc.boolean(), (raw, withMagic) => {
      const b = withMagic ? new Uint8Array([...encodeBundle(sample).subarray(0, 9), ...raw]) : raw;
      try {
        decodeBundle(b);
        return false;
      } catch (e) {
        return isRadiosyncError(e) && e.code.startsWith('RS_ERR_BUNDLE_');
      }
    }),
    { seed: 11, numRuns: 500 },
  );
});
