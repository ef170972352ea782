/**
 * Authenticated ANNOUNCE/CANCEL and the caps on partial inbound transfers (src/link/inboundLimits.ts):
 * a station that claims a trusted callsign without its key opens no state, cannot reset or cancel a
 * real transfer, cannot make the receiver transmit or store more than the unannounced pool; and
 * the per-sender, total and reassembly-bytes caps hold with their counters.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { decodeFrame } from '../../src/link/decodeFrame.js';
import { encodeDataFrame, FrameType } from '../../src/link/frameHeader.js';
import { encodeAnnounceFrame, type AnnounceFrame } from '../../src/link/announceFrame.js';
import { encodeCancelFrame } from '../../src/link/controlFrames.js';
import { ackTagInput, type AckAuthenticator } from '../../src/link/AckAuthenticator.js';
import { encodeAckFrame } from '../../src/link/ackFrame.js';
import { MemoryTransferQueue } from '../../src/link/MemoryTransferQueue.js';
import { Link } from '../../src/link/Link.js';
import { ManualClock } from '../../src/clock/ManualClock.js';
import { MAX_UNANNOUNCED_BYTES, MAX_UNANNOUNCED_TOTAL } from '../../src/link/inboundLimits.js';
import { bytesSource } from '../../src/link/PayloadSource.js';
import { payloadHash } from '../../src/link/payloadHash.js';
import { makeNet, payloadOf } from './helpers/harness.js';

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
const KEY = 'shared pair key';

/** An HMAC authenticator binding "FROM>TO" like src/sync/pairwiseAuthenticator.ts; `key` is what the station holds. */
function pairAuth(self: string, key = KEY): AckAuthenticator {
  const mac = (k: string, from: string, to: string, b: Uint8Array) => new Uint8Array(createHmac('sha256', k).update(`${from}>${to}`).update(b).digest().subarray(0, 8));
  return { enabled: true, sign: (peer, b) => mac(key, self, peer, b), verify: (peer, b, t) => Buffer.from(mac(KEY, peer, self, b)).equals(Buffer.from(t)) };
}

test('golden vectors: authenticated unicast and group ANNOUNCE, authenticated CANCEL; tag counts are checked', () => {
  const hash = Uint8Array.from([1, 2, 3, 4, 5, 6, 7, 8]);
  const t = (n: number) => new Uint8Array(8).fill(n);
  const uni = encodeAnnounceFrame({ burst: 0, eob: true, transferId: 9, size: 51200, shardSize: 250, k: 64, hash }, () => [t(0x77)]);
  assert.equal(hex(uni), '8b0009' + '0000' + '809003' + '00fa' + '40' + '0102030405060708' + '77'.repeat(8));
  const group = encodeAnnounceFrame({ burst: 0, eob: false, transferId: 9, size: 100, shardSize: 250, k: 1, hash, receivers: ['AB1C', 'DE2F-3'], pending: [false, true] }, () => [t(0x11), t(0x22)]);
  assert.equal(hex(group), '8e0009' + '0000' + '64' + '00fa' + '01' + '0102030405060708' + '02' + '04' + hex(new TextEncoder().encode('AB1C')) + '06' + hex(new TextEncoder().encode('DE2F-3')) + '02' + '11'.repeat(8) + '22'.repeat(8));
  const g = decodeFrame(group);
  assert.ok(g.ok && g.frame.type === FrameType.Announce);
  assert.deepEqual((g.frame as AnnounceFrame).tags!.map(hex), ['11'.repeat(8), '22'.repeat(8)]);
  assert.equal((g.frame as AnnounceFrame).signed!.length, group.length - 16);
  assert.equal(hex(encodeCancelFrame({ eob: true, transferId: 0xbeef, reason: 1 }, () => [t(0x33)])), 'a3beef01' + '33'.repeat(8));
  const c = decodeFrame(encodeCancelFrame({ eob: true, transferId: 1, reason: 1 }, () => [t(1), t(2), t(3)]));
  assert.ok(c.ok && c.frame.type === FrameType.Cancel && c.frame.tags!.length === 3);
  // a group announce with one tag too few or too many, a cancel with a partial tag: rejected
  assert.equal(decodeFrame(group.subarray(0, group.length - 8)).ok, false);
  assert.equal(decodeFrame(Uint8Array.of(...group, 0)).ok, false);
  assert.equal(decodeFrame(Uint8Array.of(0xa3, 0, 1, 1, 9, 9, 9)).ok, false);
  assert.throws(() => encodeAnnounceFrame({ burst: 0, eob: true, transferId: 1, size: 1, shardSize: 1, k: 1, hash }, () => []));
});

/** A receiver N0BBB with an authenticator, fed frames directly; records what it transmits. */
function victim(opts: Partial<ConstructorParameters<typeof Link>[0]> = {}) {
  const clock = new ManualClock(0);
  const sent: Uint8Array[] = [];
  const received: number[] = [];
  const link = new Link({
    clock,
    station: 'N0BBB',
    bitrate: 9600,
    transmit: (b) => sent.push(...b.frames),
    authenticator: pairAuth('N0BBB'),
    deliver: (d) => void received.push(d.transferId),
    ...opts,
  });
  return { clock, link, sent, received };
}

const H = Uint8Array.from([9, 9, 9, 9, 9, 9, 9, 9]);

test('a spoofer of a trusted callsign without the key opens no state, resets and cancels nothing, and is never answered', async () => {
  const v = victim();
  const evil = pairAuth('N0AAA', 'wrong key');
  const real = pairAuth('N0AAA');
  // a genuine announce opens the real transfer; its first block arrives
  const payload = payloadOf(2000, 3);
  const hash = payloadHash(bytesSource(payload));
  v.link.receive('N0AAA', 'N0BBB', encodeAnnounceFrame({ burst: 0, eob: false, transferId: 7, size: 2000, shardSize: 250, k: 8, hash }, (b) => [real.sign('N0BBB', b)]));
  v.link.receive('N0AAA', 'N0BBB', encodeDataFrame({ burst: 0, eob: false, transferId: 7, block: 0, shard: 0, k: 8, payload: payload.subarray(0, 250) }));
  assert.equal(v.link.bufferState.inbound, 1);
  // forged announces (no tag, wrong key) for new ids and for the real id with another hash; forged cancels
  for (let id = 100; id < 200; id++) {
    v.link.receive('N0AAA', 'N0BBB', encodeAnnounceFrame({ burst: 0, eob: true, transferId: id, size: 5000, shardSize: 250, k: 4, hash: H }));
    v.link.receive('N0AAA', 'N0BBB', encodeAnnounceFrame({ burst: 0, eob: true, transferId: id, size: 5000, shardSize: 250, k: 4, hash: H }, (b) => [evil.sign('N0BBB', b)]));
  }
  v.link.receive('N0AAA', 'N0BBB', encodeAnnounceFrame({ burst: 0, eob: true, transferId: 7, size: 2000, shardSize: 250, k: 8, hash: H }, (b) => [evil.sign('N0BBB', b)]));
  v.link.receive('N0AAA', 'N0BBB', encodeCancelFrame({ eob: true, transferId: 7, reason: 1 }));
  v.link.receive('N0AAA', 'N0BBB', encodeCancelFrame({ eob: true, transferId: 7, reason: 1 }, (b) => [evil.sign('N0BBB', b)]));
  assert.equal(v.link.stats.authFailures, 203);
  const bs = v.link.bufferState;
  assert.equal(bs.inbound, 1, 'only the real transfer');
  assert.equal(bs.shards, 1, 'its shard was not reset');
  // a k = 1 DATA stream and an id churn: only the small unannounced pool, never answered
  for (let i = 0; i < 2000; i++) v.link.receive('N0AAA', 'N0BBB', encodeDataFrame({ burst: 0, eob: i % 50 === 49, transferId: 0x7777, block: i, shard: 0, k: 1, payload: new Uint8Array(230) }));
  for (let i = 0; i < 2000; i++) v.link.receive('N0AAA', 'N0BBB', encodeDataFrame({ burst: 0, eob: i % 50 === 49, transferId: 1000 + i, block: 0, shard: 0, k: 2, payload: new Uint8Array(230) }));
  await v.clock.run(() => false, 60_000);
  const after = v.link.bufferState;
  assert.ok(after.unannounced <= MAX_UNANNOUNCED_TOTAL, `${after.unannounced} unannounced`);
  assert.ok(after.heldBytes <= MAX_UNANNOUNCED_TOTAL * MAX_UNANNOUNCED_BYTES + 2000, `${after.heldBytes} bytes held`);
  assert.ok(v.link.stats.unannouncedDropped > 1000);
  assert.equal(after.inbound - after.unannounced, 1, 'the real transfer is still there');
  // the victim answered nothing but the real transfer's EOB-less burst (no EOB from it yet): only acks for id 7 at most
  for (const f of v.sent) {
    const r = decodeFrame(f);
    assert.ok(r.ok && r.frame.type === FrameType.Ack && r.frame.transferId === 7, 'only the real transfer is ever acked');
  }
  // the real transfer still completes
  for (let s = 1; s < 8; s++) v.link.receive('N0AAA', 'N0BBB', encodeDataFrame({ burst: 0, eob: s === 7, transferId: 7, block: 0, shard: s, k: 8, payload: payload.subarray(s * 250, (s + 1) * 250) }));
  assert.deepEqual(v.received, [7]);
});

test('a real transfer between keyed stations completes while a spoofer floods the receiver at line rate', async () => {
  const net = makeNet({ bitrate: 9600, loss: 0.05, seed: 21 });
  const a = net.add('N0AAA', { authenticator: pairAuth('N0AAA') });
  const b = net.add('N0BBB', { authenticator: pairAuth('N0BBB') });
  let seq = 0;
  let maxHeld = 0;
  const flood = () => {
    // ~9600 bit/s of bogus frames claiming N0AAA: churned ids, forged announces and cancels, a k = 1 stream
    for (let i = 0; i < 4; i++) {
      const id = seq++ & 0xffff;
      b.link.receive('N0AAA', 'N0BBB', encodeDataFrame({ burst: 0, eob: false, transferId: id, block: 0, shard: 0, k: 2, payload: new Uint8Array(230) }));
      b.link.receive('N0AAA', 'N0BBB', encodeDataFrame({ burst: 0, eob: false, transferId: 0x7777, block: seq, shard: 0, k: 1, payload: new Uint8Array(230) }));
      b.link.receive('N0AAA', 'N0BBB', encodeAnnounceFrame({ burst: 0, eob: false, transferId: 1, size: 9000, shardSize: 250, k: 4, hash: H }));
      b.link.receive('N0AAA', 'N0BBB', encodeCancelFrame({ eob: i === 3, transferId: 1, reason: 1 }));
    }
    maxHeld = Math.max(maxHeld, b.link.bufferState.heldBytes);
    net.clock.setTimer(1000, flood);
  };
  net.clock.setTimer(0, flood);
  const payload = payloadOf(40_000, 21);
  a.link.enqueue({ to: ['N0BBB'], payload });
  await net.run(() => a.delivered.length > 0, 30 * 60_000);
  assert.equal(a.delivered.length, 1, 'delivered during the flood');
  assert.deepEqual(b.received[0]!.bytes, payload);
  assert.ok(b.link.stats.authFailures > 100);
  assert.ok(maxHeld <= 40_000 + MAX_UNANNOUNCED_TOTAL * MAX_UNANNOUNCED_BYTES + 64 * 250, `held at most ${maxHeld} bytes`);
});

const announce = (v: ReturnType<typeof victim>, from: string, id: number, size: number) =>
  v.link.receive(from, 'N0BBB', encodeAnnounceFrame({ burst: 0, eob: false, transferId: id, size, shardSize: 250, k: 4, hash: H }, (b) => [pairAuth(from).sign('N0BBB', b)]));

test('per-sender cap: a sender holds at most maxPartialPerSender partial transfers (its least recently active evicted)', () => {
  const v = victim({ maxPartialPerSender: 3 });
  for (let id = 1; id <= 5; id++) {
    v.clock.advance(1000);
    announce(v, 'N0AAA', id, 1000);
  }
  announce(v, 'N0CCC', 1, 1000);
  assert.equal(v.link.bufferState.inbound, 4);
  assert.equal(v.link.stats.partialEvicted, 2);
});

test('total cap: at most maxPartialTotal partial transfers, unannounced ones evicted first', () => {
  const v = victim({ maxPartialTotal: 6 });
  v.link.receive('N0ZZZ', 'N0BBB', encodeDataFrame({ burst: 0, eob: false, transferId: 1, block: 0, shard: 0, k: 2, payload: new Uint8Array(10) }));
  assert.equal(v.link.bufferState.unannounced, 1);
  for (let i = 0; i < 10; i++) {
    v.clock.advance(1000);
    announce(v, `N0S${i}`, 1, 1000);
  }
  const bs = v.link.bufferState;
  assert.equal(bs.inbound, 6);
  assert.equal(bs.unannounced, 0, 'the unannounced transfer went first');
  assert.equal(v.link.stats.partialEvicted, 5);
  // unannounced DATA never pushes out an announced transfer
  v.link.receive('N0ZZZ', 'N0BBB', encodeDataFrame({ burst: 0, eob: false, transferId: 2, block: 0, shard: 0, k: 2, payload: new Uint8Array(10) }));
  assert.equal(v.link.bufferState.unannounced, 0);
  assert.equal(v.link.stats.unannouncedDropped, 1);
});

test('reassembly-bytes cap: announced sizes are reserved within maxReassemblyBytes; a transfer over it alone is refused with REJECTED', async () => {
  const v = victim({ maxReassemblyBytes: 100_000 });
  for (let id = 1; id <= 3; id++) {
    v.clock.advance(1000);
    announce(v, `N0S${id}`, id, 40_000);
  }
  assert.ok(v.link.bufferState.reservedBytes <= 100_000);
  assert.equal(v.link.bufferState.inbound, 2);
  assert.equal(v.link.stats.partialEvicted, 1);
  v.link.receive('N0AAA', 'N0BBB', encodeAnnounceFrame({ burst: 0, eob: true, transferId: 9, size: 200_000, shardSize: 250, k: 4, hash: H }, (b) => [pairAuth('N0AAA').sign('N0BBB', b)]));
  assert.equal(v.link.stats.reassemblyRefused, 1);
  await v.clock.run(() => v.sent.length > 0, 10_000);
  const r = decodeFrame(v.sent[0]!);
  assert.ok(r.ok && r.frame.type === FrameType.Ack && r.frame.rejected && r.frame.transferId === 9);
  assert.ok(v.link.bufferState.reservedBytes <= 100_000);
});

test('a transfer every receiver finished is retired when the Link loads the queue', () => {
  const queue = new MemoryTransferQueue();
  const payload = payloadOf(500);
  const rec = queue.addOutbound({ to: ['N0BBB'], priority: 0, expiresAt: null, createdAt: 0, size: 500, shardSize: 250, k: 2, hash: payloadHash(bytesSource(payload)) }, bytesSource(payload));
  queue.updateReceiver(rec.id, { station: 'N0BBB', known: true, done: true, completeBlocks: Uint8Array.of(1) });
  const link = new Link({ clock: new ManualClock(0), station: 'N0AAA', bitrate: 1200, transmit: () => {}, queue });
  assert.deepEqual(link.pendingOutbound(), []);
  assert.equal(queue.listOutbound().length, 0);
  assert.equal(link.stats.retiredOnLoad, 1);
});

test('DATA of a reused transfer id is not answered from the completed memory: the new transfer is delivered, not reported done', async () => {
  let armed = false;
  let dropped = false;
  const net = makeNet({
    bitrate: 1200,
    loss: 0,
    seed: 5,
    drop: (e) => {
      if (!armed || dropped || e.from !== 'N0AAA') return false;
      const r = decodeFrame(e.frame);
      return (dropped = r.ok && r.frame.type === FrameType.Announce);
    },
  });
  const a = net.add('N0AAA');
  const b = net.add('N0BBB');
  const first = payloadOf(600, 1);
  const id = a.link.enqueue({ to: ['N0BBB'], payload: first });
  await net.run(() => a.delivered.length === 1);
  // A restarts with a fresh queue: ids start over; its announce for the second transfer is lost
  net.kill('N0AAA');
  const a2 = net.add('N0AAA');
  const second = payloadOf(600, 2);
  const id2 = a2.link.enqueue({ to: ['N0BBB'], payload: second });
  assert.equal(id2, id);
  armed = true;
  await net.run(() => a2.delivered.length === 1, 3_600_000);
  assert.ok(dropped);
  assert.equal(b.received.length, 2);
  assert.deepEqual(b.received[1]!.bytes, second, 'the second payload arrived (not answered from memory)');
});

test('an ack tag binds the payload hash: a genuine COMPLETE ack for another payload under the same id is refused', async () => {
  const clock = new ManualClock(0);
  const a = new Link({ clock, station: 'N0AAA', bitrate: 9600, transmit: () => {}, authenticator: pairAuth('N0AAA') });
  const delivered: number[] = [];
  a.on('delivered', (e) => delivered.push(e.transferId));
  const id = a.enqueue({ to: ['N0BBB'], payload: payloadOf(600, 2) });
  await clock.run(() => false, 5_000);
  const b = pairAuth('N0BBB');
  const ack = (hash: Uint8Array) =>
    encodeAckFrame({ burst: 0, eob: true, transferId: id, known: true, complete: true, hashMismatch: false, rejected: false, heard: 1, base: 0, needs: [] }, (bytes) => b.sign('N0AAA', ackTagInput(bytes, hash)));
  a.receive('N0BBB', 'N0AAA', ack(payloadHash(bytesSource(payloadOf(600, 1)))));
  assert.equal(a.stats.authFailures, 1);
  assert.deepEqual(delivered, []);
  a.receive('N0BBB', 'N0AAA', ack(payloadHash(bytesSource(payloadOf(600, 2)))));
  assert.deepEqual(delivered, [id]);
});

test('a CANCEL frees a transfer only with the receiver\'s own tag; a group CANCEL carries one tag per receiver', () => {
  const v = victim();
  const real = pairAuth('N0AAA');
  const groupAnnounce = (id: number) =>
    encodeAnnounceFrame({ burst: 0, eob: false, transferId: id, size: 1000, shardSize: 250, k: 4, hash: H, receivers: ['N0CCC', 'N0BBB'], pending: [true, true] }, (b) => ['N0CCC', 'N0BBB'].map((r) => real.sign(r, b)));
  v.link.receive('N0AAA', 'RSYNC', groupAnnounce(5));
  v.link.receive('N0AAA', 'N0BBB', encodeAnnounceFrame({ burst: 0, eob: false, transferId: 6, size: 1000, shardSize: 250, k: 4, hash: H }, (b) => [real.sign('N0BBB', b)]));
  assert.equal(v.link.bufferState.inbound, 2);
  // the group cancel with N0BBB's tag in N0CCC's place (position 0) does not free it; the right order does
  v.link.receive('N0AAA', 'RSYNC', encodeCancelFrame({ eob: true, transferId: 5, reason: 1 }, (b) => [real.sign('N0BBB', b), real.sign('N0CCC', b)]));
  assert.equal(v.link.bufferState.inbound, 2);
  v.link.receive('N0AAA', 'RSYNC', encodeCancelFrame({ eob: true, transferId: 5, reason: 1 }, (b) => [real.sign('N0CCC', b), real.sign('N0BBB', b)]));
  assert.equal(v.link.bufferState.inbound, 1);
  v.link.receive('N0AAA', 'N0BBB', encodeCancelFrame({ eob: true, transferId: 6, reason: 1 }, (b) => [real.sign('N0BBB', b)]));
  assert.equal(v.link.bufferState.inbound, 0);
  assert.equal(v.link.stats.authFailures, 1);
});

test('a group transfer between keyed stations completes: each receiver verifies its own tag of the group ANNOUNCE', async () => {
  const net = makeNet({ bitrate: 1200, loss: 0.1, seed: 31 });
  const a = net.add('N0AAA', { authenticator: pairAuth('N0AAA') });
  const rx = ['N0BBB', 'N0CCC', 'N0DDD'].map((n) => net.add(n, { authenticator: pairAuth(n) }));
  const payload = payloadOf(6000, 31);
  a.link.enqueue({ to: rx.map((r) => r.name), payload });
  await net.run(() => a.delivered.length === 3);
  for (const r of rx) {
    assert.deepEqual(r.received[0]!.bytes, payload);
    assert.equal(r.link.stats.authFailures, 0);
  }
  const announces = net.channel.log.filter((e) => e.from === 'N0AAA' && (e.frame[0]! & 0x38) === 0x08);
  assert.ok(announces.length > 0 && announces.every((e) => (e.frame[0]! & 0x02) !== 0), 'every announce carries AUTH');
});

test('evictions do not stall: with one partial transfer allowed per sender, three joined transfers all complete, with and without the authenticator', async () => {
  for (const authenticated of [false, true]) {
    const net = makeNet({ bitrate: 9600, loss: 0.2, seed: 41 });
    const a = net.add('N0AAA', authenticated ? { authenticator: pairAuth('N0AAA') } : {});
    const b = net.add('N0BBB', { maxPartialPerSender: 1, ...(authenticated ? { authenticator: pairAuth('N0BBB') } : {}) });
    const payloads = [1, 2, 3].map((i) => payloadOf(12_000 + i * 700, 40 + i));
    for (const payload of payloads) a.link.enqueue({ to: ['N0BBB'], payload });
    await net.run(() => a.delivered.length === 3, 4 * 3_600_000);
    assert.equal(a.delivered.length, 3, `all delivered (authenticated: ${authenticated})`);
    assert.deepEqual(new Set(b.received.map((r) => Buffer.from(r.bytes).toString('hex'))), new Set(payloads.map((p) => Buffer.from(p).toString('hex'))));
    assert.ok(b.link.stats.partialEvicted > 0, 'the cap was hit');
    assert.ok(b.link.bufferState.inbound <= 1);
  }
});

test('a receiver that lost its partial state (restarted without a queue) still gets the whole transfer: the sender resyncs from its newest ack', async () => {
  const net = makeNet({ bitrate: 9600, loss: 0.05, seed: 43 });
  const a = net.add('N0AAA');
  net.add('N0BBB');
  const payload = payloadOf(200_000, 43);
  a.link.enqueue({ to: ['N0BBB'], payload });
  await net.run(() => (a.link.pendingOutbound()[0]?.blocksAcked ?? 0) >= 2, 3_600_000);
  assert.ok(a.link.pendingOutbound()[0]!.blocksAcked >= 2);
  net.kill('N0BBB');
  const b2 = net.add('N0BBB');
  await net.run(() => a.delivered.length === 1, 4 * 3_600_000);
  assert.equal(a.delivered.length, 1);
  assert.deepEqual(b2.received[0]!.bytes, payload);
});
