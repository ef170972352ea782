import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sign, verify } from 'node:crypto';
import {
  formatPublicKey,
  generateStationKeys,
  parsePrivateKeys,
  parsePublicKey,
  serializePrivateKeys,
} from '../../src/station/keys.js';
import { isRadiosyncError } from '../../src/errors/RadiosyncError.js';

test('public key text round-trips and verifies signatures', () => {
  const k = generateStationKeys();
  const text = formatPublicKey(k);
  assert.match(text, /^rsk1:[A-Za-z0-9_-]{86}$/);
  const peer = parsePublicKey(text);
  const msg = Buffer.from('CQ CQ');
  assert.ok(verify(null, msg, peer.signPublic, sign(null, msg, k.signPrivate)));
  assert.equal(formatPublicKey(peer), text);
});

test('private keys survive serialisation', () => {
  const k = generateStationKeys();
  const back = parsePrivateKeys(serializePrivateKeys(k));
  assert.equal(formatPublicKey(back), formatPublicKey(k));
});

test('bad public keys get RS_ERR_KEY_INVALID', () => {
  for (const bad of ['', 'rsk1:', 'rsk2:' + 'A'.repeat(86), 'rsk1:' + 'A'.repeat(85), 'rsk1:' + '!'.repeat(86)]) {
    assert.throws(() => parsePublicKey(bad), (e) => isRadiosyncError(e, 'RS_ERR_KEY_INVALID'), bad);
  }
});
