import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { formatCallsign, isValidAddress, parseCallsign } from '../../src/framing/callsign.js';
import { isRadiosyncError } from '../../src/errors/RadiosyncError.js';

test('parseCallsign / formatCallsign', () => {
  assert.deepEqual(parseCallsign('N0CALL-7'), { callsign: 'N0CALL', ssid: 7 });
  assert.deepEqual(parseCallsign('n0call'), { callsign: 'N0CALL', ssid: 0 });
  assert.deepEqual(parseCallsign('K1-15'), { callsign: 'K1', ssid: 15 });
  assert.equal(formatCallsign({ callsign: 'N0CALL', ssid: 0 }), 'N0CALL');
  assert.equal(formatCallsign({ callsign: 'N0CALL', ssid: 7 }), 'N0CALL-7');
  for (const bad of ['', 'TOOLONG1', 'N0CALL-16', 'N0 CALL', 'N0CALL-', 'N0CALL-x', 'Ä1', '-3']) {
    assert.throws(() => parseCallsign(bad), (e) => isRadiosyncError(e, 'RS_ERR_CALLSIGN_INVALID') && e.message.includes(JSON.stringify(bad)), bad);
  }
  assert.equal(isValidAddress({ callsign: 'n0call', ssid: 1 }), false);
  assert.equal(isValidAddress({ callsign: 'N0CALL', ssid: 1.5 }), false);
});

test('property: format then parse is the identity on valid addresses', () => {
  const addr = fc.record({
    callsign: fc.stringMatching(/^[A-Z0-9]{1,6}$/),
    ssid: fc.integer({ min: 0, max: 15 }),
  });
  fc.assert(fc.property(addr, (a) => assert.deepEqual(parseCallsign(formatCallsign(a)), { ...a })), { seed: 42, numRuns: 300 });
});
