import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { makeStations, tempDir } from '../sync/stations.js';
import { classify, lanSeen, recordSeen, stationFingerprint, lanAddress } from '../../src/sync/discovery.js';

test('LAN discovery: a trusted key is "trusted", a trusted callsign with another key "fingerprint mismatch", an unknown station "seen, not trusted"; only the first gives an address', () => {
  const { dir, cleanup } = tempDir('radiosync-discovery-');
  const [a, b, c] = makeStations(dir, ['N0AAA', 'N0BBB', 'N0CCC']);
  mkdirSync(join(dir, 'x'));
  const [stranger] = makeStations(join(dir, 'x'), ['N0EVL']);
  try {
    const fpB = stationFingerprint(b!)!;
    const fpC = stationFingerprint(c!)!;
    const fpEvil = stationFingerprint(stranger!)!;
    assert.equal(classify(a!, { callsign: 'N0BBB', fingerprint: fpB, host: '10.0.0.2', port: 7373 }), 'trusted');
    assert.equal(classify(a!, { callsign: 'N0BBB', fingerprint: fpC, host: '10.0.0.3', port: 7374 }), 'fingerprint mismatch');
    assert.equal(classify(a!, { callsign: 'N0EVL', fingerprint: fpEvil, host: '10.0.0.4', port: 7375 }), 'seen, not trusted');
    recordSeen(a!, { callsign: 'N0EVL', fingerprint: fpEvil, host: '10.0.0.4', port: 7375 });
    recordSeen(a!, { callsign: 'N0CCC', fingerprint: fpB, host: '10.0.0.5', port: 7376 });
    recordSeen(a!, { callsign: 'N0BBB', fingerprint: fpB, host: '10.0.0.2', port: 7373 });
    const seen = Object.fromEntries(lanSeen(a!).map((s) => [s.callsign, s.state]));
    assert.deepEqual(seen, { N0EVL: 'seen, not trusted', N0CCC: 'fingerprint mismatch', N0BBB: 'trusted' });
    assert.deepEqual(lanAddress(a!, 'N0BBB'), { host: '10.0.0.2', port: 7373 });
    assert.equal(lanAddress(a!, 'N0CCC'), undefined, 'a forged fingerprint gives no address');
    assert.equal(lanAddress(a!, 'N0EVL'), undefined, 'an unknown station gives no address');
  } finally {
    for (const s of [a, b, c, stranger]) s!.close();
    cleanup();
  }
});
