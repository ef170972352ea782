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

test('LAN discovery: what a browse hears is recorded, with or without a listener (real mDNS packets over UDP)', async () => {
  const { startLanDiscovery } = await import('../../src/sync/discovery.js');
  const { default: makeMdns } = await import('multicast-dns');
  const { dir, cleanup } = tempDir('radiosync-discovery-');
  const [a, b] = makeStations(dir, ['N0AAA', 'N0BBB']);
  mkdirSync(join(dir, 'x'));
  const [stranger] = makeStations(join(dir, 'x'), ['N0EVL']);
  // the browser on a private port; the answers come to it as UDP datagrams (unicast: this machine
  // may have no multicast route), in the advertisement's form (src/online/mdns.ts)
  const port = 20000 + (process.pid % 20000);
  const browse = startLanDiscovery(a!, { socket: { port, interface: '127.0.0.1' } }); // no onSeen: as `peers --discover` and the daemon
  const sender = makeMdns({ port: 0, multicast: false, bind: '127.0.0.1' });
  const advert = (call: string, fp: string, p: number) => {
    const inst = `${call}._radiosync._tcp.local`;
    const target = `${call.toLowerCase()}.radiosync.local`;
    sender.respond({
      answers: [{ name: '_radiosync._tcp.local', type: 'PTR', ttl: 120, data: inst }],
      additionals: [
        { name: inst, type: 'SRV', ttl: 120, data: { port: p, target, priority: 0, weight: 0 } },
        { name: inst, type: 'TXT', ttl: 120, data: ['v=1', `call=${call}`, `fp=${fp}`] },
        { name: target, type: 'A', ttl: 120, data: '127.0.0.1' },
      ],
    }, { port, address: '127.0.0.1' });
  };
  try {
    const seen = () => Object.fromEntries(lanSeen(a!).map((s) => [s.callsign, s.state]));
    const until = Date.now() + 10_000;
    while (Date.now() < until && Object.keys(seen()).length < 2) {
      advert('N0BBB', stationFingerprint(b!)!, 7373);
      advert('N0EVL', stationFingerprint(stranger!)!, 7375);
      // this station itself, as its own `serve` advertises it: never recorded as a peer
      advert('N0AAA', stationFingerprint(a!)!, 7374);
      await new Promise((r) => setTimeout(r, 100));
    }
    for (let i = 0; i < 3; i++) {
      advert('N0AAA', stationFingerprint(a!)!, 7374);
      await new Promise((r) => setTimeout(r, 100));
    }
    assert.deepEqual(seen(), { N0BBB: 'trusted', N0EVL: 'seen, not trusted' });
    assert.deepEqual(lanAddress(a!, 'N0BBB'), { host: '127.0.0.1', port: 7373 });
  } finally {
    browse.close();
    sender.destroy();
    for (const s of [a, b, stranger]) s!.close();
    cleanup();
  }
});

test('what a listener advertises: this machine\'s addresses for a wildcard bind, its one address for a specific one, nothing for loopback', async () => {
  const { advertisedAddresses } = await import('../../src/sync/discovery.js');
  for (const h of [undefined, '', '0.0.0.0', '::', '[::]']) assert.equal(advertisedAddresses(h), undefined, String(h));
  assert.deepEqual(advertisedAddresses('192.0.2.7'), ['192.0.2.7']);
  for (const h of ['127.0.0.1', '127.1.2.3', 'localhost', '::1', '[::1]']) assert.equal(advertisedAddresses(h), null, h);
});
