import { test } from 'node:test';
import assert from 'node:assert/strict';
import { frameAirtimeMs } from '../../src/sim/airtime.js';
import { isRadiosyncError } from '../../src/errors/RadiosyncError.js';
import { Prng } from '../../src/util/prng.js';
import { drain, frameOf, makeChannel } from './helpers.js';
import { DEFAULT_TNC_QUEUE_FRAMES } from '../../src/sim/SimRadio.js';
import { simRadioPort } from '../../src/sync/FramePort.js';

const always = { persistence: 255 }; // key up in the first free slot, so times are exact

test('frames queued before channel access go out in one key-up, with exact airtime', () => {
  const { clock, channel } = makeChannel();
  const a = channel.attach('A', always);
  const b = channel.attach('B');
  const heard: Array<{ len: number; at: number; from: string }> = [];
  b.onFrame((f, info) => heard.push({ len: f.length, at: info.at, from: info.from }));
  const frames = [frameOf(100, 1), frameOf(200, 2), frameOf(50, 3)];
  for (const f of frames) a.send(f);
  let idleAt = -1;
  a.onIdle(() => (idleAt = clock.now()));
  drain(clock, channel);
  const t = frames.map((f) => frameAirtimeMs(f, 1200));
  assert.deepEqual(
    heard.map((h) => h.len),
    [100, 200, 50],
  );
  assert.ok(Math.abs(heard[0]!.at - (300 + t[0]!)) < 1e-9);
  assert.ok(Math.abs(heard[2]!.at - (300 + t[0]! + t[1]! + t[2]!)) < 1e-9);
  const s = channel.stats();
  assert.equal(s.A!.keyUps, 1);
  assert.equal(s.A!.framesSent, 3);
  assert.equal(s.A!.bytesOnAir, 350 + 3 * 4);
  assert.ok(Math.abs(s.A!.airtimeMs - (300 + t[0]! + t[1]! + t[2]! + 50)) < 1e-9);
  assert.ok(Math.abs(idleAt - s.A!.airtimeMs) < 1e-9);
  assert.equal(s.B!.framesDelivered, 3);
  assert.equal(channel.totals().framesSent, 3);
});

test('a frame queued during the key-up joins it; one queued after key-down needs a new key-up', () => {
  const { clock, channel } = makeChannel();
  const a = channel.attach('A', always);
  channel.attach('B');
  a.send(frameOf(100));
  clock.advance(100); // inside TXDELAY
  a.send(frameOf(100));
  drain(clock, channel);
  assert.equal(channel.stats().A!.keyUps, 1);
  a.send(frameOf(100));
  drain(clock, channel);
  assert.equal(channel.stats().A!.keyUps, 2);
  assert.equal(channel.stats().B!.framesDelivered, 3);
  assert.equal(channel.turnarounds, 0); // the channel never changed hands
  channel.station('B')!.send(frameOf(10));
  drain(clock, channel);
  a.send(frameOf(10));
  drain(clock, channel);
  assert.equal(channel.turnarounds, 2);
});

test('TXDELAY and TXTAIL are charged at every key-up, and KISS commands change them', async () => {
  const { clock, channel } = makeChannel({ bitrate: 9600 });
  const a = channel.attach('A', { ...always, txDelayMs: 200, txTailMs: 30 });
  channel.attach('B');
  const f = frameOf(64);
  a.send(f);
  drain(clock, channel);
  a.send(f);
  drain(clock, channel);
  const air = frameAirtimeMs(f, 9600);
  assert.ok(Math.abs(channel.stats().A!.airtimeMs - 2 * (200 + air + 30)) < 1e-9);
  // KISS TXDELAY 50 (500 ms) and TXtail 10 (100 ms)
  await a.kiss.write(Uint8Array.of(0xc0, 0x01, 50, 0xc0, 0xc0, 0x04, 10, 0xc0));
  assert.equal(a.radioParams.txDelayMs, 500);
  assert.equal(a.radioParams.txTailMs, 100);
  a.send(f);
  drain(clock, channel);
  assert.ok(Math.abs(channel.stats().A!.airtimeMs - 2 * (200 + air + 30) - (500 + air + 100)) < 1e-9);
  assert.equal(channel.stats().A!.keyUps, 3);
});

test('p-persistence makes a station wait whole slots, about (1-q)/q slots on average', () => {
  const { clock, channel } = makeChannel({ seed: 3 });
  const a = channel.attach('A'); // persistence 63: q = 0.25 per slot, slot 100 ms
  channel.attach('B');
  for (let i = 0; i < 400; i++) {
    a.send(frameOf(20));
    drain(clock, channel);
  }
  const s = channel.stats().A!;
  assert.equal(s.keyUps, 400);
  assert.equal(s.accessWaitMs % 100, 0);
  const meanWait = s.accessWaitMs / 400;
  assert.ok(meanWait > 200 && meanWait < 400, `mean access wait ${meanWait} ms (expected ~300)`);
});

test('two stations keying up in the same slot collide at a third; carrier sense prevents most collisions', () => {
  {
    const { clock, channel } = makeChannel();
    const a = channel.attach('A', always);
    const b = channel.attach('B', always);
    channel.attach('C');
    a.send(frameOf(100));
    b.send(frameOf(100));
    drain(clock, channel);
    const s = channel.stats();
    assert.equal(s.A!.collisions, 1);
    assert.equal(s.B!.collisions, 1);
    assert.equal(s.C!.lostBy.collision, 2);
    assert.equal(s.C!.framesDelivered, 0);
    assert.equal(s.A!.lostBy.halfDuplex, 1); // A was keyed while B's frame was on air
  }
  const collisions = (carrierSense: boolean): number => {
    const { clock, channel } = makeChannel({ seed: 9, carrierSense });
    const a = channel.attach('A');
    const b = channel.attach('B');
    channel.attach('C');
    // each station offers a frame at a random moment in every 20 s for an hour
    const jitter = new Prng(77);
    for (let t = 0; t < 3600_000; t += 20_000) {
      clock.setTimer(t + jitter.next() * 20_000, () => a.send(frameOf(200)));
      clock.setTimer(t + jitter.next() * 20_000, () => b.send(frameOf(200)));
    }
    while (clock.step());
    return channel.totals().collisions;
  };
  const withCs = collisions(true);
  const without = collisions(false);
  assert.ok(without > 10, `ALOHA collisions ${without}`);
  assert.ok(withCs * 5 < without, `carrier sense ${withCs} vs ALOHA ${without}`);
});

test('half-duplex: a station hears nothing while it transmits', () => {
  const { clock, channel } = makeChannel();
  const a = channel.attach('A', always);
  const b = channel.attach('B', { fullDuplex: true }); // ignores carrier sense
  let heardByA = 0;
  a.onFrame(() => heardByA++);
  for (let i = 0; i < 10; i++) a.send(frameOf(200, i));
  clock.advance(1000); // A is keyed (10 frames take ~14 s)
  b.send(frameOf(50));
  drain(clock, channel);
  assert.equal(heardByA, 0);
  assert.equal(channel.stats().A!.lostBy.halfDuplex, 1);
  assert.equal(channel.stats().B!.lostBy.halfDuplex >= 1, true); // B was keyed over some of A's frames
});

test('invalid options fail at once with typed errors naming the value', () => {
  assert.throws(() => makeChannel({ bitrate: 0 }), (e) => isRadiosyncError(e, 'RS_ERR_SIM_BAD_OPTION') && /bitrate/.test(e.message));
  assert.throws(() => makeChannel({ ber: 2 }), (e) => isRadiosyncError(e, 'RS_ERR_SIM_BAD_OPTION'));
  assert.throws(() => makeChannel({ outages: [{ startMs: 5, endMs: 5 }] }), (e) => isRadiosyncError(e, 'RS_ERR_SIM_BAD_OPTION'));
  const { channel } = makeChannel();
  const a = channel.attach('A');
  assert.throws(() => channel.attach('A'), (e) => isRadiosyncError(e, 'RS_ERR_SIM_STATION_EXISTS'));
  assert.throws(() => channel.attach('B', { persistence: 300 }), (e) => isRadiosyncError(e, 'RS_ERR_SIM_BAD_OPTION'));
  assert.throws(() => a.send(new Uint8Array(0)), (e) => isRadiosyncError(e, 'RS_ERR_SIM_FRAME_TOO_LARGE'));
  assert.throws(() => a.send(new Uint8Array(5000)), (e) => isRadiosyncError(e, 'RS_ERR_SIM_FRAME_TOO_LARGE'));
  a.close();
  assert.throws(() => a.send(frameOf(10)), (e) => isRadiosyncError(e, 'RS_ERR_SIM_CLOSED'));
});

test('diagnostics events report key-ups, key-downs and each frame per receiver', async () => {
  const { subscribe, unsubscribe } = await import('node:diagnostics_channel');
  const { SIM_DIAGNOSTICS } = await import('../../src/sim/RadioChannel.js');
  const seen: string[] = [];
  const onKeyUp = (m: unknown) => seen.push(`up ${(m as { station: string }).station}`);
  const onKeyDown = (m: unknown) => seen.push(`down ${(m as { station: string }).station}`);
  const onFrame = (m: unknown) => {
    const f = m as { from: string; to: string; delivered: boolean };
    seen.push(`frame ${f.from}>${f.to} ${f.delivered}`);
  };
  subscribe(SIM_DIAGNOSTICS.keyUp, onKeyUp);
  subscribe(SIM_DIAGNOSTICS.keyDown, onKeyDown);
  subscribe(SIM_DIAGNOSTICS.frame, onFrame);
  try {
    const { clock, channel } = makeChannel({ outages: [{ startMs: 0, endMs: 1e6, stations: ['C'] }] });
    const a = channel.attach('A', always);
    channel.attach('B');
    channel.attach('C');
    a.send(frameOf(30));
    drain(clock, channel);
    assert.deepEqual(seen, ['up A', 'frame A>B true', 'frame A>C false', 'down A']);
  } finally {
    unsubscribe(SIM_DIAGNOSTICS.keyUp, onKeyUp);
    unsubscribe(SIM_DIAGNOSTICS.keyDown, onKeyDown);
    unsubscribe(SIM_DIAGNOSTICS.frame, onFrame);
  }
});

test('hidden stations: carrier sense cannot stop collisions between stations that do not hear each other', async () => {
  const { hiddenPairs } = await import('../../src/sim/RadioChannel.js');
  const run = (hidden: boolean) => {
    const { clock, channel } = makeChannel({ seed: 8, hears: hidden ? hiddenPairs([['A', 'C']]) : undefined });
    const a = channel.attach('A');
    channel.attach('B');
    const c = channel.attach('C');
    const jitter = new Prng(78);
    for (let t = 0; t < 3600_000; t += 20_000) {
      clock.setTimer(t + jitter.next() * 20_000, () => a.send(frameOf(200)));
      clock.setTimer(t + jitter.next() * 20_000, () => c.send(frameOf(200)));
    }
    while (clock.step());
    return channel.stats();
  };
  const open = run(false);
  const hidden = run(true);
  assert.equal(hidden.C!.framesDelivered, 0); // C never hears A
  assert.equal(hidden.C!.lostBy.range, hidden.A!.framesSent);
  assert.equal(open.C!.lostBy.range, 0);
  assert.ok(hidden.B!.lostBy.collision > 3 * Math.max(1, open.B!.lostBy.collision), `B collisions: hidden ${hidden.B!.lostBy.collision}, open ${open.B!.lostBy.collision}`);
});

test('a TNC queues at most DEFAULT_TNC_QUEUE_FRAMES (100, as Dire Wolf): the rest is discarded and counted', () => {
  const { clock, channel } = makeChannel();
  const a = channel.attach('A', always);
  const b = channel.attach('B');
  let heard = 0;
  b.onFrame(() => heard++);
  for (let i = 0; i < 120; i++) a.send(frameOf(40, i));
  drain(clock, channel);
  assert.equal(heard, DEFAULT_TNC_QUEUE_FRAMES);
  assert.equal(channel.stats().A!.framesDropped, 120 - DEFAULT_TNC_QUEUE_FRAMES);
  assert.throws(() => channel.attach('C', { tncQueueFrames: 0 }), (e) => isRadiosyncError(e, 'RS_ERR_SIM_BAD_OPTION'));
});

test('the simulator as a TNC port says nothing when a key-up ends, unless asked to model a TNC that reports it', () => {
  const { clock, channel } = makeChannel();
  const plain = simRadioPort(channel.attach('A', always));
  const reporting = simRadioPort(channel.attach('B', always), { txDoneSignal: true });
  assert.equal(plain.onIdle, undefined);
  let idle = 0;
  reporting.onIdle!(() => idle++);
  reporting.send(frameOf(40, 1));
  drain(clock, channel);
  assert.equal(idle, 1);
});

test('delivery jitter, duplicates and holds: copies arrive, the seed replays them, bad options are typed errors', () => {
  const run = (seed: number) => {
    const { clock, channel } = makeChannel({ seed, latencyMs: 50, latencyJitterMs: 400, duplicate: 0.2, hold: { p: 0.1, maxMs: 2000 } });
    const a = channel.attach('A', { ...always, tncQueueFrames: 1000 });
    const b = channel.attach('B');
    const ends: number[] = [];
    b.onFrame(() => ends.push(clock.now()));
    for (let i = 0; i < 200; i++) a.send(frameOf(40, i));
    drain(clock, channel);
    return ends;
  };
  const first = run(5);
  assert.ok(first.length > 200, `duplicates delivered: ${first.length}`);
  assert.ok(first.length < 200 * 1.4);
  assert.deepEqual(run(5), first, 'the same seed replays the same deliveries');
  assert.throws(() => makeChannel({ latencyJitterMs: -1 }), (e) => isRadiosyncError(e, 'RS_ERR_SIM_BAD_OPTION'));
  assert.throws(() => makeChannel({ duplicate: 2 }), (e) => isRadiosyncError(e, 'RS_ERR_SIM_BAD_OPTION'));
});
