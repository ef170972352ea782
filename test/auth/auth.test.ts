import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { generateStationKeys } from '../../src/station/keys.js';
import { openEnvelope, sealEnvelope } from '../../src/auth/envelope.js';
import { macTag, pairwiseKey, verifyTag } from '../../src/auth/pairwise.js';
import { isRadiosyncError } from '../../src/errors/RadiosyncError.js';

const a = generateStationKeys();
const b = generateStationKeys();

test('sealed envelope opens with the signer key and yields the payload', () => {
  const payload = new Uint8Array([1, 2, 3, 4, 5]);
  const env = sealEnvelope(payload, 'N0CALL-1', a.signPrivate);
  const r = openEnvelope(env, (s) => (s === 'N0CALL-1' ? a.signPublic : undefined));
  assert.equal(r.signer, 'N0CALL-1');
  assert.deepEqual(r.payload, payload);
});

test('unknown signer and wrong key are rejected with typed errors', () => {
  const env = sealEnvelope(new Uint8Array([9]), 'N0CALL-1', a.signPrivate);
  assert.throws(() => openEnvelope(env, () => undefined), (e) => isRadiosyncError(e, 'RS_ERR_AUTH_UNKNOWN_SIGNER'));
  assert.throws(() => openEnvelope(env, () => b.signPublic), (e) => isRadiosyncError(e, 'RS_ERR_AUTH_BAD_SIGNATURE'));
});

test('any bit flip in an envelope is rejected, never opened', () => {
  const env = sealEnvelope(new Uint8Array(40).fill(7), 'AB1CD', a.signPrivate);
  fc.assert(
    fc.property(fc.integer({ min: 0, max: env.length * 8 - 1 }), (bit) => {
      const m = env.slice();
      m[bit >> 3]! ^= 1 << (bit & 7);
      try {
        openEnvelope(m, (s) => (s === 'AB1CD' ? a.signPublic : undefined));
        return false;
      } catch (e) {
        return isRadiosyncError(e) && e.code.startsWith('RS_ERR_AUTH_');
      }
    }),
    { seed: 3, numRuns: 400 },
  );
});

test('both ends derive the same pairwise key; tags verify only with it', () => {
  const kab = pairwiseKey('AAA', a.dhPrivate, 'BBB', b.dhPublic);
  const kba = pairwiseKey('BBB', b.dhPrivate, 'AAA', a.dhPublic);
  assert.deepEqual(kab, kba);
  const msg = new Uint8Array([1, 2, 3]);
  const tag = macTag(kab, msg);
  assert.equal(tag.length, 8);
  assert.ok(verifyTag(kba, msg, tag));
  assert.ok(!verifyTag(kba, new Uint8Array([1, 2, 4]), tag));
  const other = pairwiseKey('AAA', a.dhPrivate, 'CCC', generateStationKeys().dhPublic);
  assert.ok(!verifyTag(other, msg, tag));
});
