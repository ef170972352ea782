import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createMemoryPair } from '../../src/transport/MemoryTransport.js';
import { ManualClock } from '../../src/clock/ManualClock.js';
import { isRadiosyncError } from '../../src/errors/RadiosyncError.js';
import { transportCompliance } from './compliance.js';

transportCompliance({
  name: 'MemoryTransport',
  peerSeesClose: true,
  async open() {
    const [a, b] = createMemoryPair();
    return { a, b, cleanup: async () => {} };
  },
});

transportCompliance({
  name: 'MemoryTransport split into 7-byte chunks',
  peerSeesClose: true,
  async open() {
    const [a, b] = createMemoryPair({ maxChunkBytes: 7 });
    return { a, b, cleanup: async () => {} };
  },
});

test('latency is virtual time on the injected clock', async () => {
  const clock = new ManualClock(0);
  const [a, b] = createMemoryPair({ clock, latencyMs: 250 });
  const got: number[] = [];
  b.onData((c) => got.push(...c));
  await a.write(Uint8Array.of(1, 2));
  clock.advance(249);
  assert.deepEqual(got, []);
  clock.advance(1);
  assert.deepEqual(got, [1, 2]);
  assert.equal(a.bytesWritten, 2);
});

test('bad options are typed errors', () => {
  assert.throws(() => createMemoryPair({ latencyMs: 5 }), (e) => isRadiosyncError(e, 'RS_ERR_TRANSPORT_SPEC_INVALID'));
  assert.throws(() => createMemoryPair({ maxChunkBytes: 0 }), (e) => isRadiosyncError(e, 'RS_ERR_TRANSPORT_SPEC_INVALID'));
});
