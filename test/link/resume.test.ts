/**
 * Kill and restart: drop a station's Link object (nothing flushed, like kill -9) and build a new
 * one over the same queue (the same SQLite file, reopened), then check the transfer completes and
 * that blocks acknowledged before the kill are never sent again.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeFrame } from '../../src/link/decodeFrame.js';
import { FrameType } from '../../src/link/frameHeader.js';
import { MemoryTransferQueue } from '../../src/link/MemoryTransferQueue.js';
import { bitmapGet, type TransferQueue } from '../../src/link/TransferQueue.js';
import { SqliteTransferQueue } from '../../src/store/sqliteTransferQueue.js';
import { makeNet, payloadOf, type Net } from './helpers/harness.js';

type QueueFactory = { name: string; open: () => TransferQueue; reopen: () => TransferQueue };

function memory(): QueueFactory {
  const q = new MemoryTransferQueue();
  return { name: 'memory', open: () => q, reopen: () => q };
}
function sqlite(): QueueFactory {
  const path = join(mkdtempSync(join(tmpdir(), 'rs-resume-')), 'station.sqlite');
  return { name: 'sqlite', open: () => new SqliteTransferQueue({ path }), reopen: () => new SqliteTransferQueue({ path }) };
}

function dataBlocksSent(net: Net, from: string, sinceIndex: number): number[] {
  const blocks: number[] = [];
  for (const e of net.channel.log.slice(sinceIndex)) {
    if (e.from !== from) continue;
    const d = decodeFrame(e.frame);
    if (d.ok && d.frame.type === FrameType.Data) blocks.push(d.frame.block);
  }
  return blocks;
}

for (const make of [memory, sqlite]) {
  test(`${make().name} queue: the sender is killed at ≥60% and restarted; acknowledged blocks are not resent`, async () => {
    const net = makeNet({ bitrate: 1200, loss: 0.1, seed: 21 });
    const qa = make();
    let a = net.add('N0AAA', { queue: qa.open(), maxDataShards: 16 });
    const b = net.add('N0BBB');
    const payload = payloadOf(40_000, 21);
    const id = a.link.enqueue({ to: ['N0BBB'], payload });
    await net.run(() => {
      const p = a.link.pendingOutbound()[0];
      return p !== undefined && p.blocksAcked >= 0.6 * p.blockCount;
    });
    const before = a.link.queue.listOutbound()[0]!;
    const acked = new Set<number>();
    const blockCount = a.link.pendingOutbound()[0]!.blockCount;
    for (let blk = 0; blk < blockCount; blk++) if (bitmapGet(before.receivers[0]!.completeBlocks, blk)) acked.add(blk);
    assert.ok(acked.size >= 0.6 * blockCount && acked.size < blockCount);
    net.kill('N0AAA');
    await net.run(() => false, 5 * 60_000); // down for five minutes
    const mark = net.channel.log.length;
    a = net.add('N0AAA', { queue: qa.reopen(), maxDataShards: 16 });
    await net.run(() => a.delivered.length > 0);
    assert.equal(a.delivered[0]!.transferId, id);
    assert.equal(b.received.length, 1);
    assert.deepEqual(b.received[0]!.bytes, payload);
    const resent = dataBlocksSent(net, 'N0AAA', mark);
    assert.deepEqual(resent.filter((blk) => acked.has(blk)), [], 'no acknowledged block is sent again');
    assert.ok(resent.length > 0 && resent.length < (blockCount - acked.size) * 16 * 2, `resent ${resent.length} frames`);
    assert.deepEqual(a.link.queue.listOutbound(), []);
  });

  test(`${make().name} queue: the receiver is killed mid-transfer and restarted; its stored blocks count`, async () => {
    const net = makeNet({ bitrate: 1200, loss: 0.1, seed: 22 });
    const qb = make();
    const a = net.add('N0AAA', { maxDataShards: 16 });
    let b = net.add('N0BBB', { queue: qb.open() });
    const payload = payloadOf(40_000, 22);
    a.link.enqueue({ to: ['N0BBB'], payload });
    await net.run(() => {
      const p = a.link.pendingOutbound()[0];
      return p !== undefined && p.blocksAcked >= 0.6 * p.blockCount;
    });
    const blockCount = a.link.pendingOutbound()[0]!.blockCount;
    const rec = a.link.queue.listOutbound()[0]!;
    const acked = new Set<number>();
    for (let blk = 0; blk < blockCount; blk++) if (bitmapGet(rec.receivers[0]!.completeBlocks, blk)) acked.add(blk);
    const mark = net.channel.log.length;
    net.kill('N0BBB');
    await net.run(() => false, 3 * 60_000);
    b = net.add('N0BBB', { queue: qb.reopen() });
    await net.run(() => a.delivered.length > 0);
    assert.deepEqual(b.received[0]!.bytes, payload);
    const after = dataBlocksSent(net, 'N0AAA', mark);
    assert.deepEqual(after.filter((blk) => acked.has(blk)), [], 'blocks the receiver had acknowledged are not resent');
    assert.ok(after.length > 0);
  });
}

test('sqlite queues at both ends: both stations restart mid-transfer, the transfer completes exactly', async () => {
  const net = makeNet({ bitrate: 1200, loss: 0.2, seed: 23 });
  const qa = sqlite();
  const qb = sqlite();
  let a = net.add('N0AAA', { queue: qa.open() });
  let b = net.add('N0BBB', { queue: qb.open() });
  const payload = payloadOf(30_000, 23);
  a.link.enqueue({ to: ['N0BBB'], payload });
  await net.run(() => net.channel.log.length > 60);
  net.kill('N0AAA');
  net.kill('N0BBB');
  await net.run(() => false, 60_000);
  b = net.add('N0BBB', { queue: qb.reopen() });
  a = net.add('N0AAA', { queue: qa.reopen() });
  await net.run(() => a.delivered.length > 0);
  assert.equal(b.received.length, 1);
  assert.deepEqual(b.received[0]!.bytes, payload);
});
