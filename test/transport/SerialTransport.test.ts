import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SerialTransport, serialOpenError } from '../../src/transport/SerialTransport.js';
import { isRadiosyncError } from '../../src/errors/RadiosyncError.js';
import { transportCompliance } from './compliance.js';
import { openPtyPair } from './ptyPair.js';

transportCompliance({
  name: 'SerialTransport over a real socat pseudo-terminal pair',
  // socat keeps the other pty open after one side closes, so the peer is not told.
  peerSeesClose: false,
  async open() {
    const pty = await openPtyPair();
    const a = await SerialTransport.open({ path: pty.paths[0], baudRate: 9600 });
    const b = await SerialTransport.open({ path: pty.paths[1], baudRate: 9600 });
    return { a, b, cleanup: () => pty.close() };
  },
});

test('no such port is RS_ERR_PORT_NOT_FOUND, naming the fix', async () => {
  await assert.rejects(
    SerialTransport.open({ path: '/dev/radiosync-no-such-tty', baudRate: 9600 }),
    (e) => isRadiosyncError(e, 'RS_ERR_PORT_NOT_FOUND') && e.message.includes('/dev/serial/by-id') && e.data.path === '/dev/radiosync-no-such-tty',
  );
});

test('a port another program holds is RS_ERR_PORT_BUSY', { timeout: 10_000 }, async () => {
  const pty = await openPtyPair();
  try {
    const first = await SerialTransport.open({ path: pty.paths[0] });
    await assert.rejects(SerialTransport.open({ path: pty.paths[0] }), (e) => isRadiosyncError(e, 'RS_ERR_PORT_BUSY') && e.message.includes('fuser'));
    await first.close();
    const again = await SerialTransport.open({ path: pty.paths[0] });
    await again.close();
  } finally {
    await pty.close();
  }
});

test('bad arguments are RS_ERR_TRANSPORT_SPEC_INVALID', async () => {
  await assert.rejects(SerialTransport.open({ path: '' }), (e) => isRadiosyncError(e, 'RS_ERR_TRANSPORT_SPEC_INVALID'));
  await assert.rejects(SerialTransport.open({ path: '/dev/null', baudRate: 12.5 }), (e) => isRadiosyncError(e, 'RS_ERR_TRANSPORT_SPEC_INVALID'));
});

test('serialport error messages map to typed codes', () => {
  const code = (m: string) => serialOpenError(new Error(m), '/dev/x').code;
  assert.equal(code('Error: No such file or directory, cannot open /dev/x'), 'RS_ERR_PORT_NOT_FOUND');
  assert.equal(code('Error Resource temporarily unavailable Cannot lock port'), 'RS_ERR_PORT_BUSY');
  assert.equal(code('Error: Device or resource busy, cannot open /dev/x'), 'RS_ERR_PORT_BUSY');
  assert.equal(code('Error: Permission denied, cannot open /dev/x'), 'RS_ERR_PORT_PERMISSION');
  assert.equal(code('Error: Input/output error setting custom baud rate of 7'), 'RS_ERR_PORT_OPEN_FAILED');
});
