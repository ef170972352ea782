import { test } from 'node:test';
import assert from 'node:assert/strict';
import { dataFramesOf, makeNet, payloadOf } from './helpers/harness.js';

async function unicast(loss: number, size: number, seed: number, extra: Parameters<typeof makeNet>[0] extends infer T ? Partial<T> : never = {}) {
  const net = makeNet({ bitrate: 1200, loss, seed, ...extra });
  const a = net.add('N0AAA');
  const b = net.add('N0BBB');
  const payload = payloadOf(size, seed);
  const id = a.link.enqueue({ to: ['N0BBB'], payload });
  await net.run(() => a.delivered.length > 0);
  return { net, a, b, payload, id };
}

for (const loss of [0, 0.1, 0.3, 0.5]) {
  test(`unicast 12 kB at ${loss * 100}% frame loss is delivered exactly once, complete and identical`, async () => {
    const { a, b, payload, id } = await unicast(loss, 12_000, 7 + loss * 100);
    assert.equal(a.delivered.length, 1);
    assert.equal(a.delivered[0]!.transferId, id);
    assert.equal(b.received.length, 1);
    assert.deepEqual(b.received[0]!.bytes, payload);
    assert.deepEqual(a.link.pendingOutbound(), []);
    const s = a.delivered[0]!.stats;
    assert.ok(s.turnarounds >= 1 && s.rounds >= 1, 'turnarounds are counted');
    if (loss === 0) assert.equal(s.parityShardsSent <= 6, true, `few parity shards without loss: ${s.parityShardsSent}`);
  });
}

test('sizes from 0 B to 100 B to one frame plus one byte all arrive intact', async () => {
  for (const size of [0, 1, 100, 250, 251, 16_000]) {
    const { b, payload } = await unicast(0.2, size, size + 3);
    assert.equal(b.received.length, 1, `size ${size}`);
    assert.deepEqual(b.received[0]!.bytes, payload, `size ${size}`);
  }
});

test('bursty loss (Gilbert–Elliott: 2% good, 60% bad, mean bad run 8 frames) delivers exactly', async () => {
  let bad = false;
  let x = 12345;
  const rnd = () => ((x = (Math.imul(x, 1103515245) + 12345) >>> 0) / 2 ** 32);
  const { b, payload } = await unicast(0, 20_000, 11, {
    drop: () => {
      bad = bad ? rnd() > 1 / 8 : rnd() < 0.02;
      return rnd() < (bad ? 0.6 : 0.02);
    },
  });
  assert.deepEqual(b.received[0]!.bytes, payload);
});

test('an outage of 20 minutes mid-transfer: the sender gives up for a while, stays queued, then completes', async () => {
  const start = 120_000;
  const end = start + 20 * 60_000;
  const { a, b, payload } = await unicast(0.1, 20_000, 5, { drop: ({ at }) => at >= start && at < end });
  assert.deepEqual(b.received[0]!.bytes, payload);
  assert.ok(a.failed.some((f) => f.error.code === 'RS_ERR_LINK_GAVE_UP' && f.queued), 'reported a give-up while the transfer stayed queued');
  assert.equal(a.delivered.length, 1);
});

test('duplicated and reordered frames do no harm', async () => {
  const { a, b, payload } = await unicast(0.1, 15_000, 9, { duplicate: 0.3, reorder: true });
  assert.deepEqual(b.received[0]!.bytes, payload);
  assert.equal(b.received.length, 1);
  assert.equal(a.delivered.length, 1);
  assert.ok(b.link.stats.duplicateFrames > 0);
});

test('the final ack carries the receiving application’s receipt', async () => {
  const net = makeNet({ bitrate: 1200, loss: 0.1, seed: 2 });
  const a = net.add('N0AAA');
  net.add('N0BBB', { deliver: async (d) => Uint8Array.of(d.size & 0xff, 0xaa, 0xbb) });
  a.link.enqueue({ to: ['N0BBB'], payload: payloadOf(3000) });
  await net.run(() => a.delivered.length > 0);
  assert.deepEqual(a.delivered[0]!.receipt, Uint8Array.of(3000 & 0xff, 0xaa, 0xbb));
});

test('two stations sending to each other share key-ups: each ack rides with the next burst', async () => {
  const net = makeNet({ bitrate: 1200, loss: 0.1, seed: 4 });
  const a = net.add('N0AAA');
  const b = net.add('N0BBB');
  const pa = payloadOf(30_000, 1);
  const pb = payloadOf(30_000, 2);
  a.link.enqueue({ to: ['N0BBB'], payload: pa });
  b.link.enqueue({ to: ['N0AAA'], payload: pb });
  await net.run(() => a.delivered.length > 0 && b.delivered.length > 0);
  assert.deepEqual(b.received[0]!.bytes, pa);
  assert.deepEqual(a.received[0]!.bytes, pb);
  // one after the other, the two transfers would cost two one-way exchanges of key-ups
  const oneWay = await unicast(0.1, 30_000, 4);
  const keyUpsBoth = net.channel.counters.get('N0AAA')!.keyUps + net.channel.counters.get('N0BBB')!.keyUps;
  const keyUpsOne = oneWay.net.channel.counters.get('N0AAA')!.keyUps + oneWay.net.channel.counters.get('N0BBB')!.keyUps;
  assert.ok(keyUpsBoth < 2 * keyUpsOne, `two-way ${keyUpsBoth} key-ups vs 2 × one-way ${keyUpsOne}`);
  // and acks did ride with data: some key-up carries an ACK followed by DATA
  const frames = net.channel.log;
  const piggyback = frames.some((e, i) => (e.frame[0]! & 0x38) === 0x10 && frames[i + 1]?.from === e.from && (frames[i + 1]!.frame[0]! & 0x38) === 0 && frames[i + 1]!.at - e.at < 3000);
  assert.ok(piggyback, 'an ack shared a key-up with a data burst');
});

test('a higher-priority transfer pre-empts a lower one at the next burst', async () => {
  const net = makeNet({ bitrate: 1200, loss: 0, seed: 3 });
  const a = net.add('N0AAA');
  const b = net.add('N0BBB');
  const low = a.link.enqueue({ to: ['N0BBB'], payload: payloadOf(30_000, 1), priority: 0 });
  await net.run(() => net.channel.log.length > 40, 60 * 60_000);
  const high = a.link.enqueue({ to: ['N0BBB'], payload: payloadOf(2_000, 2), priority: 5 });
  await net.run(() => a.delivered.length === 2);
  assert.deepEqual(a.delivered.map((d) => d.transferId), [high, low]);
  assert.equal(b.received.length, 2);
});

test('an expired transfer is dropped, reported, and its receivers are told to free their state', async () => {
  const net = makeNet({ bitrate: 1200, loss: 0, seed: 3 });
  const a = net.add('N0AAA');
  const b = net.add('N0BBB');
  const id = a.link.enqueue({ to: ['N0BBB'], payload: payloadOf(40_000), expiresAt: 90_000 });
  a.link.enqueue({ to: ['N0BBB'], payload: payloadOf(500), expiresAt: 10 * 60_000 });
  await net.run(() => a.delivered.length > 0);
  assert.deepEqual(a.expired.map((e) => e.transferId), [id]);
  assert.deepEqual(a.expired[0]!.undelivered, ['N0BBB']);
  assert.ok(a.failed.some((f) => f.error.code === 'RS_ERR_LINK_EXPIRED' && !f.queued));
  assert.equal(b.received.length, 1);
  assert.equal(a.link.pendingOutbound().length, 0);
  assert.equal(b.link.bufferState.inbound, 0, 'the CANCEL freed the partial transfer');
});

test('a cancelled transfer stops at once, its receivers are told (CANCEL, reason 2) and free their state, and nothing is reported as failed', async () => {
  const net = makeNet({ bitrate: 1200, loss: 0, seed: 4 });
  const a = net.add('N0AAA');
  const b = net.add('N0BBB');
  const id = a.link.enqueue({ to: ['N0BBB'], payload: payloadOf(40_000) });
  await net.run(() => dataFramesOf(net, 'N0AAA', id) >= 8 && b.link.bufferState.inbound > 0);
  const sentBefore = dataFramesOf(net, 'N0AAA', id);
  const at = net.channel.log.length;
  assert.equal(a.link.cancel(id), true);
  assert.equal(a.link.cancel(id), false, 'a second cancel finds nothing');
  assert.equal(a.link.cancel(9999), false, 'nor does an id never queued');
  assert.deepEqual(a.link.pendingOutbound().map((p) => p.id).filter((x) => x === id), []);
  const second = a.link.enqueue({ to: ['N0BBB'], payload: payloadOf(500, 2) });
  await net.run(() => a.delivered.length > 0);
  assert.deepEqual(a.delivered.map((d) => d.transferId), [second]);
  assert.equal(b.received.length, 1);
  const later = net.channel.log.slice(at).filter((e) => e.from === 'N0AAA');
  // the channel logs frames as the link hands them over: none of the transfer after the cancel
  assert.equal(dataFramesOf(net, 'N0AAA', id), sentBefore, 'no DATA of the cancelled transfer after the cancel');
  const cancels = later.filter((e) => (e.frame[0]! & 0x38) === 0x20 && ((e.frame[1]! << 8) | e.frame[2]!) === id);
  assert.equal(cancels.length, 1, 'one CANCEL for the transfer');
  assert.equal(cancels[0]!.frame[3], 2, 'reason 2: cancelled (1 is expired)');
  assert.equal(b.link.bufferState.inbound, 0, 'the CANCEL freed the partial transfer');
  assert.deepEqual(a.failed, []);
  assert.deepEqual(a.expired, []);
});

test('5 receivers with independent loss all complete from one group transmission', async () => {
  const loss = { N0BB1: 0.05, N0BB2: 0.1, N0BB3: 0.2, N0BB4: 0.3, N0BB5: 0.15 };
  const net = makeNet({ bitrate: 1200, loss, seed: 8 });
  const a = net.add('N0AAA');
  const rx = Object.keys(loss).map((n) => net.add(n));
  const payload = payloadOf(15_000, 8);
  a.link.enqueue({ to: Object.keys(loss), payload });
  await net.run(() => a.delivered.length === 5);
  for (const r of rx) {
    assert.equal(r.received.length, 1, r.name);
    assert.deepEqual(r.received[0]!.bytes, payload, r.name);
  }
  assert.deepEqual(a.delivered.map((d) => d.to).sort(), Object.keys(loss).sort());
  // one transmission serves all: DATA frames sent are far fewer than 5 unicasts would need
  assert.ok(dataFramesOf(net, 'N0AAA', a.delivered[0]!.transferId) < 2 * 60, 'group data frames');
});

test('no unbounded growth: 30 transfers leave empty queues and buffers behind', async () => {
  const net = makeNet({ bitrate: 9600, loss: 0.2, seed: 12 });
  const a = net.add('N0AAA');
  const b = net.add('N0BBB');
  for (let i = 0; i < 30; i++) a.link.enqueue({ to: ['N0BBB'], payload: payloadOf(1000 + i * 97, i) });
  await net.run(() => a.delivered.length === 30);
  assert.equal(b.received.length, 30);
  assert.deepEqual(a.link.pendingOutbound(), []);
  assert.equal(a.link.queue.listOutbound().length, 0);
  assert.equal(b.link.queue.listInbound().length, 0);
  const bs = b.link.bufferState;
  assert.deepEqual({ inbound: bs.inbound, shards: bs.shards, owed: bs.owed }, { inbound: 0, shards: 0, owed: 0 });
  assert.ok(bs.completedOwed <= 1);
});

test('mayTransmit gates data bursts (not acks) until the time it returns', async () => {
  const net = makeNet({ bitrate: 1200, loss: 0, seed: 6 });
  const opensAt = 10 * 60_000;
  const asked: string[] = [];
  const a = net.add('N0AAA', {
    mayTransmit: (to, now) => {
      asked.push(to);
      return now >= opensAt ? true : opensAt;
    },
  });
  const b = net.add('N0BBB');
  const payload = payloadOf(3000, 6);
  a.link.enqueue({ to: ['N0BBB'], payload });
  await net.run(() => a.delivered.length > 0);
  assert.ok(net.channel.log.filter((e) => e.from === 'N0AAA').every((e) => e.at >= opensAt), 'nothing on air before the window opens');
  assert.deepEqual(b.received[0]!.bytes, payload);
  assert.ok(asked.length >= 2 && asked.every((t) => t === 'N0BBB'));
});

test('acks are authenticated when an AckAuthenticator is set; forged acks are ignored', async () => {
  const tag = (peer: string, bytes: Uint8Array) => {
    let h = 0x811c9dc5;
    for (const b of [...new TextEncoder().encode(peer), ...bytes]) h = Math.imul(h ^ b, 0x01000193) >>> 0;
    return Uint8Array.of(h >>> 24, (h >>> 16) & 0xff, (h >>> 8) & 0xff, h & 0xff, 1, 2, 3, 4);
  };
  // the tag binds the ack to the pair: the sender verifies with the receiver's name
  const auth = (self: string) => ({
    enabled: true,
    sign: (_peer: string, bytes: Uint8Array) => tag(self, bytes),
    verify: (peer: string, bytes: Uint8Array, t: Uint8Array) => Buffer.from(tag(peer, bytes)).equals(Buffer.from(t)),
  });
  const net = makeNet({ bitrate: 1200, loss: 0.1, seed: 13 });
  const a = net.add('N0AAA', { authenticator: auth('N0AAA') });
  const b = net.add('N0BBB', { authenticator: auth('N0BBB') });
  const payload = payloadOf(5000, 13);
  a.link.enqueue({ to: ['N0BBB'], payload });
  await net.run(() => a.delivered.length > 0);
  assert.deepEqual(b.received[0]!.bytes, payload);
  assert.ok(net.channel.log.filter((e) => e.from === 'N0BBB').every((e) => (e.frame[0]! & 0x02) !== 0), 'every ack carries AUTH');
  // a station that signs with the wrong key is not believed
  const net2 = makeNet({ bitrate: 1200, loss: 0, seed: 14 });
  const a2 = net2.add('N0AAA', { authenticator: auth('N0AAA'), maxRetries: 1 });
  net2.add('N0BBB', { authenticator: auth('N0EVIL') });
  a2.link.enqueue({ to: ['N0BBB'], payload: payloadOf(500) });
  await net2.run(() => a2.failed.length > 0, 60 * 60_000);
  assert.equal(a2.delivered.length, 0);
  assert.ok(a2.link.stats.authFailures > 0);
  assert.equal(a2.failed[0]!.error.code, 'RS_ERR_LINK_GAVE_UP');
});

test('bad arguments fail at once with typed errors; a payload over MAX_TRANSFER_BYTES is refused without reading it', () => {
  const net = makeNet({ bitrate: 1200 });
  const a = net.add('N0AAA');
  const huge = { size: 200 * 1024 * 1024, read: () => assert.fail('must not read') };
  assert.throws(() => a.link.enqueue({ to: ['N0BBB'], payload: huge }), (e: Error & { code?: string }) => e.code === 'RS_ERR_LINK_TOO_LARGE');
  assert.throws(() => a.link.enqueue({ to: [], payload: new Uint8Array(1) }), (e: Error & { code?: string }) => e.code === 'RS_ERR_LINK_BAD_ARGUMENT');
  assert.throws(() => a.link.enqueue({ to: ['N0AAA'], payload: new Uint8Array(1) }), (e: Error & { code?: string }) => e.code === 'RS_ERR_LINK_BAD_ARGUMENT');
});

test('a payload source that changes under the sender is caught by the hash, and the receiver is dropped after 2 tries', async () => {
  const net = makeNet({ bitrate: 9600, loss: 0, seed: 15 });
  const a = net.add('N0AAA');
  const b = net.add('N0BBB');
  let reads = 0;
  const base = payloadOf(3000, 15);
  // the first full read (hashing) sees `base`; block reads afterwards see a flipped byte
  const source = { size: base.length, read: (o: number, n: number) => (reads++ === 0 ? base.subarray(o, o + n) : base.slice(o, o + n).map((x, i) => (i === 0 ? x ^ 1 : x))) };
  a.link.enqueue({ to: ['N0BBB'], payload: source });
  await net.run(() => a.failed.some((f) => !f.queued), 6 * 3_600_000);
  assert.equal(b.received.length, 0, 'never delivered corrupted data');
  const codes = a.failed.map((f) => [f.error.code, f.queued]);
  assert.deepEqual(codes, [['RS_ERR_LINK_HASH_MISMATCH', true], ['RS_ERR_LINK_HASH_MISMATCH', false]]);
  assert.deepEqual(a.link.pendingOutbound(), []);
});

test('a HELLO beacon reaches the other stations as a hello event', async () => {
  const net = makeNet({ bitrate: 1200, loss: 0, seed: 16 });
  const a = net.add('N0AAA');
  const b = net.add('N0BBB');
  const heard: Array<{ from: string; body: Uint8Array }> = [];
  b.link.on('hello', (h) => heard.push(h));
  a.link.beacon(Uint8Array.of(1, 2, 3));
  await net.run(() => heard.length > 0, 60_000);
  assert.deepEqual(heard, [{ from: 'N0AAA', body: Uint8Array.of(1, 2, 3) }]);
  assert.throws(() => a.link.beacon(new Uint8Array(65)), (e: Error & { code?: string }) => e.code === 'RS_ERR_LINK_TOO_LARGE');
});

test('small transfers to the same station share one key-up and one ack round', async () => {
  const net = makeNet({ bitrate: 1200, loss: 0, seed: 17 });
  const a = net.add('N0AAA');
  const b = net.add('N0BBB');
  const payloads = [1, 2, 3, 4, 5].map((i) => payloadOf(400 + i * 50, i));
  for (const payload of payloads) a.link.enqueue({ to: ['N0BBB'], payload });
  await net.run(() => a.delivered.length === 5);
  assert.deepEqual(
    b.received.map((r) => r.bytes),
    payloads,
  );
  assert.equal(net.channel.counters.get('N0AAA')!.keyUps, 1, 'one key-up carried all five');
  assert.equal(net.channel.counters.get('N0BBB')!.keyUps, 1, 'one key-up carried all five acks');
});

test('mayTransmit can cap a burst with { maxFrames } (an airtime budget’s remainder)', async () => {
  const net = makeNet({ bitrate: 1200, loss: 0, seed: 18 });
  const a = net.add('N0AAA', { mayTransmit: () => ({ maxFrames: 5 }) });
  const b = net.add('N0BBB');
  const payload = payloadOf(5000, 18);
  a.link.enqueue({ to: ['N0BBB'], payload });
  await net.run(() => a.delivered.length > 0);
  assert.deepEqual(b.received[0]!.bytes, payload);
  const c = net.channel.counters.get('N0AAA')!;
  assert.ok(c.maxFramesPerKeyUp <= 5, `a key-up carried ${c.maxFramesPerKeyUp} frames`);
  assert.ok(c.keyUps >= 5);
});

test('maxBurstFrames bounds every key-up by the TNC queue even where the airtime would allow more', async () => {
  const cap = 24;
  const run = async (maxBurstFrames?: number) => {
    const net = makeNet({ bitrate: 9600, loss: 0.05, seed: 19 });
    const a = net.add('N0AAA', { maxBurstMs: 60_000, ...(maxBurstFrames ? { maxBurstFrames } : {}) });
    const b = net.add('N0BBB');
    const payload = payloadOf(60_000, 19);
    a.link.enqueue({ to: ['N0BBB'], payload });
    await net.run(() => a.delivered.length > 0);
    assert.deepEqual(b.received[0]!.bytes, payload);
    return net.channel.counters.get('N0AAA')!.maxFramesPerKeyUp;
  };
  const capped = await run(cap);
  assert.ok(capped <= cap, `a key-up carried ${capped} frames`);
  const free = await run();
  assert.ok(free > cap, `without the cap the airtime allows ${free} frames in a key-up`);
});

test('a key-up longer than the TNC queue is fed as the queue drains: one transmission, nothing discarded', async () => {
  for (const extra of [{}, { tncTxDelayMs: 600, persistence: 63 }]) {
    const net = makeNet({ bitrate: 9600, loss: 0.05, seed: 23, tncQueueFrames: 100, ...extra });
    const a = net.add('N0AAA', { maxBurstMs: 60_000, tncQueueFrames: 64 });
    const b = net.add('N0BBB');
    const payload = payloadOf(60_000, 23);
    a.link.enqueue({ to: ['N0BBB'], payload });
    await net.run(() => a.delivered.length > 0);
    assert.deepEqual(b.received[0]!.bytes, payload);
    const c = net.channel.counters.get('N0AAA')!;
    assert.equal(c.discarded, 0, 'the TNC never had to discard');
    assert.ok(c.maxFramesPerKeyUp > 100, `one key-up carried ${c.maxFramesPerKeyUp} frames, more than the TNC holds`);
  }
});

test('a lost ack does not read as 90 % loss: the ack after it proves by its needs what was heard (9600 bit/s, p = 0.3, seed 3)', async () => {
  // seed 3 loses the receiver's ack to the first 255-frame burst; the ack to the poll then counts
  // 1 frame heard since the lost one. Read as loss, that sized the next burst for 90 % (690 frames in all).
  const net = makeNet({ bitrate: 9600, loss: 0.3, seed: 3, persistence: 63 });
  const a = net.add('N0AAA');
  const b = net.add('N0BBB');
  const payload = payloadOf(58_000, 3);
  a.link.enqueue({ to: ['N0BBB'], payload });
  await net.run(() => a.delivered.length > 0, 6 * 3_600_000);
  assert.deepEqual(b.received[0]!.bytes, payload);
  const s = a.delivered[0]!.stats;
  assert.ok(s.polls >= 1, 'the case still has its lost ack (a poll)');
  const ideal = Math.ceil(s.dataShardsSent / 0.7);
  assert.ok(s.framesSent <= 1.3 * ideal, `${s.framesSent} frames for ${ideal} at the erasure bound`);
});
