import { test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { KissTcpTransport } from '../../src/transport/KissTcpTransport.js';
import { ManualClock } from '../../src/clock/ManualClock.js';
import { isRadiosyncError } from '../../src/errors/RadiosyncError.js';
import { transportCompliance } from './compliance.js';

/** A local server on 127.0.0.1, port 0; resolves with the client and the accepted server side. */
async function tcpPair() {
  const server = net.createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as net.AddressInfo).port;
  const accepted = new Promise<net.Socket>((r) => server.once('connection', r));
  const a = await KissTcpTransport.connect({ host: '127.0.0.1', port });
  const b = KissTcpTransport.fromSocket(await accepted, 'server-side');
  return { a, b, cleanup: () => new Promise<void>((r) => server.close(() => r())) };
}

transportCompliance({ name: 'KissTcpTransport (client) against a local net.Server', peerSeesClose: true, open: tcpPair });

transportCompliance({
  name: 'KissTcpTransport (server side) against a client',
  peerSeesClose: true,
  async open() {
    const p = await tcpPair();
    return { a: p.b, b: p.a, cleanup: p.cleanup };
  },
});

test('connection refused is RS_ERR_KISS_TCP_REFUSED, naming the fix', async () => {
  const server = net.createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as net.AddressInfo).port;
  await new Promise<void>((r) => server.close(() => r()));
  await assert.rejects(
    KissTcpTransport.connect({ host: '127.0.0.1', port }),
    (e) => isRadiosyncError(e, 'RS_ERR_KISS_TCP_REFUSED') && e.message.includes('KISSPORT') && e.data.port === port,
  );
});

test('an unresolvable host is RS_ERR_KISS_TCP_HOST_NOT_FOUND', async () => {
  await assert.rejects(KissTcpTransport.connect({ host: 'no-such-host.invalid', port: 8001 }), (e) =>
    isRadiosyncError(e, 'RS_ERR_KISS_TCP_HOST_NOT_FOUND') || isRadiosyncError(e, 'RS_ERR_KISS_TCP_CONNECT_FAILED'),
  );
});

test('connect timeout is RS_ERR_KISS_TCP_TIMEOUT, on the injected clock', async () => {
  // A server whose accept never completes cannot be made portably; instead the clock fires the
  // timeout before the event loop gets to run the connect.
  const clock = new ManualClock(0);
  const server = net.createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as net.AddressInfo).port;
  const p = KissTcpTransport.connect({ host: '127.0.0.1', port, connectTimeoutMs: 1000, clock });
  clock.advance(1000);
  await assert.rejects(p, (e) => isRadiosyncError(e, 'RS_ERR_KISS_TCP_TIMEOUT') && e.data.timeoutMs === 1000);
  await new Promise<void>((r) => server.close(() => r()));
});

test('a peer that goes away closes the transport; writes then reject', async () => {
  const { a, b, cleanup } = await tcpPair();
  const closed = new Promise<Error | undefined>((r) => a.onClose(r));
  await b.close();
  await closed;
  await assert.rejects(a.write(Uint8Array.of(1)), (e) => isRadiosyncError(e, 'RS_ERR_TRANSPORT_CLOSED'));
  await cleanup();
});
