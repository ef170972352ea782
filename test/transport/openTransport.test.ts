import { test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { formatTransportSpec, openTransport, parseKissTcpAddress, validateTransportSpec } from '../../src/transport/openTransport.js';
import { createMemoryPair } from '../../src/transport/MemoryTransport.js';
import { isRadiosyncError } from '../../src/errors/RadiosyncError.js';

const invalid = (e: unknown) => isRadiosyncError(e, 'RS_ERR_TRANSPORT_SPEC_INVALID');

test('parseKissTcpAddress', () => {
  assert.deepEqual(parseKissTcpAddress('127.0.0.1:8001'), { host: '127.0.0.1', port: 8001 });
  assert.deepEqual(parseKissTcpAddress('direwolf.local'), { host: 'direwolf.local', port: 8001 });
  assert.deepEqual(parseKissTcpAddress(':9001'), { host: '127.0.0.1', port: 9001 });
  assert.deepEqual(parseKissTcpAddress('[::1]:8002'), { host: '::1', port: 8002 });
  for (const bad of ['', 'host:', 'host:0', 'host:70000', 'host:80a', 'a:b:c']) assert.throws(() => parseKissTcpAddress(bad), invalid, bad);
});

test('validateTransportSpec fills defaults and names the bad key', () => {
  assert.deepEqual(validateTransportSpec({ kind: 'serial', path: '/dev/ttyUSB0' }), { kind: 'serial', path: '/dev/ttyUSB0', baud: 9600 });
  assert.deepEqual(validateTransportSpec({ kind: 'kiss-tcp', host: 'localhost' }), { kind: 'kiss-tcp', host: 'localhost', port: 8001 });
  assert.throws(() => validateTransportSpec({ kind: 'serial', path: '/dev/x', baud: '9600' }), (e) => invalid(e) && (e as { message: string }).message.includes('"baud"'));
  assert.throws(() => validateTransportSpec({ kind: 'kiss-tcp', host: '' }), (e) => invalid(e) && (e as { message: string }).message.includes('"host"'));
  assert.throws(() => validateTransportSpec({ kind: 'usb' }), (e) => invalid(e) && (e as { message: string }).message.includes('"kind"'));
  assert.throws(() => validateTransportSpec(null), invalid);
  assert.equal(formatTransportSpec({ kind: 'serial', path: '/dev/ttyUSB0', baud: 1200 }), 'serial:/dev/ttyUSB0@1200');
  assert.equal(formatTransportSpec({ kind: 'kiss-tcp', host: 'h' }), 'kiss-tcp:h:8001');
});

test('openTransport dispatches to injected openers without hardware', async () => {
  const calls: unknown[] = [];
  const [a] = createMemoryPair();
  const openers = {
    serial: async (o: unknown) => (calls.push(['serial', o]), a),
    kissTcp: async (o: unknown) => (calls.push(['tcp', o]), a),
  };
  assert.equal(await openTransport({ kind: 'serial', path: '/dev/ttyS9', baud: 1200 }, { openers }), a);
  assert.equal(await openTransport({ kind: 'kiss-tcp', host: 'h', port: 1 }, { openers }), a);
  assert.deepEqual(calls, [['serial', { path: '/dev/ttyS9', baudRate: 1200 }], ['tcp', { host: 'h', port: 1 }]]);
  await assert.rejects(openTransport({ kind: 'kiss-tcp', host: 'h', port: 0 }, { openers }), invalid);
});

test('openTransport opens real transports: KISS TCP, and a missing serial port is typed', { timeout: 10_000 }, async () => {
  const server = net.createServer((s) => s.pipe(s));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as net.AddressInfo).port;
  const t = await openTransport({ kind: 'kiss-tcp', host: '127.0.0.1', port });
  assert.equal(t.name, `kiss-tcp:127.0.0.1:${port}`);
  const echoed = new Promise<number[]>((r) => t.onData((c) => r([...c])));
  await t.write(Uint8Array.of(0xc0, 0xc0));
  assert.deepEqual(await echoed, [0xc0, 0xc0]);
  await t.close();
  await new Promise<void>((r) => server.close(() => r()));

  // a real serial pty (socat) is opened in test/interop/serialPty.test.ts
  await assert.rejects(openTransport({ kind: 'serial', path: '/dev/radiosync-missing' }), (e) => isRadiosyncError(e, 'RS_ERR_PORT_NOT_FOUND'));
});
