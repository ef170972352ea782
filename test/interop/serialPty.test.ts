/**
 * SerialTransport over REAL pseudo-terminals (socat, so test:interop): the OS binding of
 * serialport, termios and the port lock. test/transport/SerialTransport.test.ts runs the same
 * transport over serialport's MockBinding with Node alone.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SerialTransport } from '../../src/transport/SerialTransport.js';
import { openTransport } from '../../src/transport/openTransport.js';
import { isRadiosyncError } from '../../src/errors/RadiosyncError.js';
import { transportCompliance } from '../transport/compliance.js';
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

test('openTransport opens a serial pty', { timeout: 10_000 }, async () => {
  const pty = await openPtyPair();
  try {
    const s = await openTransport({ kind: 'serial', path: pty.paths[0], baud: 9600 });
    assert.equal(s.name, `serial:${pty.paths[0]}@9600`);
    await s.close();
  } finally {
    await pty.close();
  }
});
