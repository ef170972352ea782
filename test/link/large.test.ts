/** A 1 MB transfer at 9600 bit/s with SQLite queues at both ends: streamed, bounded receiver memory. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteTransferQueue } from '../../src/store/sqliteTransferQueue.js';
import { MAX_WINDOW_BLOCKS } from '../../src/link/OutboundTransfer.js';
import { makeNet, payloadOf } from './helpers/harness.js';

test('1 MB at 9600 bit/s, 10% loss, SQLite queues: exact, and the receiver buffers at most a window of partial blocks', async () => {
  const net = makeNet({ bitrate: 9600, loss: 0.1, seed: 5 });
  const dir = mkdtempSync(join(tmpdir(), 'rs-large-'));
  const a = net.add('N0AAA', { queue: new SqliteTransferQueue({ path: join(dir, 'a.sqlite') }) });
  const b = net.add('N0BBB', { queue: new SqliteTransferQueue({ path: join(dir, 'b.sqlite') }) });
  const payload = payloadOf(1_000_000, 5);
  a.link.enqueue({ to: ['N0BBB'], payload });
  let peakShards = 0;
  await net.run(() => {
    peakShards = Math.max(peakShards, b.link.bufferState.shards);
    return a.delivered.length > 0;
  });
  assert.deepEqual(b.received[0]!.bytes, payload);
  assert.ok(peakShards <= MAX_WINDOW_BLOCKS * 64, `buffered shards ${peakShards}`);
  // within 10% of the erasure-channel bound (8·S·(P+20)·(1+1/62)/(P·(1−p)·R) + 0.3 s)
  const bound = (8 * 1_000_000 * 276 * (1 + 1 / 62)) / (256 * 0.9 * 9600) + 0.3;
  assert.ok(net.clock.now() / 1000 < 1.15 * bound, `took ${net.clock.now() / 1000} s, bound ${bound} s`);
  assert.deepEqual(a.link.queue.listOutbound(), []);
  assert.deepEqual(b.link.queue.listInbound(), []);
});
