import { test } from 'node:test';
import assert from 'node:assert/strict';
import { onAirBits } from '../../src/sim/airtime.js';
import { lossModelStats, parseLossSpec, type LossSpec } from '../../src/sim/lossModels.js';
import type { RadioChannelOptions } from '../../src/sim/RadioChannel.js';
import { isRadiosyncError } from '../../src/errors/RadiosyncError.js';
import { drain, frameOf, makeChannel, seqOf } from './helpers.js';

// a TNC that never waits and queues everything it is given (these tests measure loss, not queueing)
const always = { persistence: 255, txDelayMs: 0, txTailMs: 0, tncQueueFrames: 1000 };

/** A sends `n` frames of `len` bytes to B and C; returns which sequence numbers B and C heard. */
function transfer(n: number, len: number, opts: Partial<RadioChannelOptions>) {
  const { clock, channel } = makeChannel(opts);
  const a = channel.attach('A', always);
  const b = channel.attach('B');
  const c = channel.attach('C');
  const heardB = new Set<number>();
  const heardC = new Set<number>();
  b.onFrame((f) => heardB.add(seqOf(f)));
  c.onFrame((f) => heardC.add(seqOf(f)));
  for (let i = 0; i < n; i += 500) {
    for (let j = i; j < Math.min(n, i + 500); j++) a.send(frameOf(len, j));
    drain(clock, channel);
  }
  return { heardB, heardC, channel, clock };
}

/** Lengths of runs of consecutive lost sequence numbers in [0, n). */
function lossRuns(heard: Set<number>, n: number): number[] {
  const runs: number[] = [];
  let run = 0;
  for (let i = 0; i < n; i++) {
    if (heard.has(i)) {
      if (run > 0) runs.push(run);
      run = 0;
    } else run++;
  }
  if (run > 0) runs.push(run);
  return runs;
}

const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;

test('i.i.d. loss: the observed rate is within 5 sigma of p, independently per receiver', () => {
  const n = 10_000;
  const { heardB, heardC, channel } = transfer(n, 40, { loss: { kind: 'iid', p: 0.1 }, seed: 11 });
  const sigma = Math.sqrt((0.1 * 0.9) / n);
  for (const heard of [heardB, heardC]) {
    const rate = 1 - heard.size / n;
    assert.ok(Math.abs(rate - 0.1) < 5 * sigma, `loss ${rate}`);
  }
  // independent: the two receivers lose different frames (overlap ≈ p² n = 100)
  let both = 0;
  for (let i = 0; i < n; i++) if (!heardB.has(i) && !heardC.has(i)) both++;
  assert.ok(both > 40 && both < 200, `lost at both: ${both}`);
  assert.equal(channel.stats().B!.lostBy.loss, n - heardB.size);
  assert.ok(mean(lossRuns(heardB, n)) < 1.3); // 1/(1-p) ≈ 1.11
});

test('Gilbert–Elliott loss comes in bursts whose mean length matches 1/pBadToGood', () => {
  const n = 20_000;
  const spec: LossSpec = { kind: 'gilbert-elliott', pGoodToBad: 0.05, pBadToGood: 0.25 };
  const model = lossModelStats(spec);
  assert.equal(model.meanBadRunFrames, 4);
  assert.ok(Math.abs(model.meanLoss - 1 / 6) < 1e-12);
  const { heardB } = transfer(n, 40, { loss: spec, seed: 12 });
  const runs = lossRuns(heardB, n);
  const rate = 1 - heardB.size / n;
  assert.ok(Math.abs(rate - model.meanLoss) < 0.03, `loss ${rate}`);
  // ~830 bursts, geometric with mean 4 (sd 3.5): the sample mean is within ±0.5 with margin
  assert.ok(Math.abs(mean(runs) - 4) < 0.5, `mean burst ${mean(runs)}`);
  // an i.i.d. channel with the same loss has runs of ~1.2
  const iid = transfer(n, 40, { loss: { kind: 'iid', p: model.meanLoss }, seed: 12 });
  assert.ok(mean(lossRuns(iid.heardB, n)) < 1.4);
});

test('bit errors lose long frames more often: 1 - (1 - ber)^bits', () => {
  const n = 4000;
  const ber = 1e-3;
  const rates = [20, 80, 250].map((len) => {
    const { heardB } = transfer(n, len, { ber, seed: 13 });
    const expected = 1 - Math.pow(1 - ber, onAirBits(frameOf(len, 0)));
    const rate = 1 - heardB.size / n;
    const sigma = Math.sqrt((expected * (1 - expected)) / n);
    assert.ok(Math.abs(rate - expected) < 5 * sigma, `len ${len}: ${rate} vs ${expected}`);
    return rate;
  });
  assert.ok(rates[0]! < rates[1]! && rates[1]! < rates[2]!, String(rates));
  // docs/radio-facts.md (Dire Wolf's FX.25 paper): about half of 80-byte frames are lost at 1e-3
  assert.ok(rates[1]! > 0.4 && rates[1]! < 0.55);
});

test('a scheduled outage drops every frame that overlaps it, and only those', () => {
  const { clock, channel } = makeChannel({ outages: [{ startMs: 10_000, endMs: 20_000 }] });
  const a = channel.attach('A', always);
  const b = channel.attach('B');
  const heard: Array<{ at: number }> = [];
  b.onFrame((_f, info) => heard.push({ at: info.at }));
  for (let i = 0; i < 200; i++) a.send(frameOf(100, i)); // ~6 frames/s for ~30 s
  drain(clock, channel);
  const s = channel.stats().B!;
  assert.ok(s.lostBy.outage > 0);
  assert.equal(s.framesLost, s.lostBy.outage);
  assert.equal(s.framesDelivered + s.framesLost, 200);
  for (const h of heard) assert.ok(h.at <= 10_000 || h.at > 20_000 + 1000, `delivered at ${h.at}`);
  // a frame lasts ~0.75 s at 1200 bit/s: the window holds about 10000/750 + 1 of them
  assert.ok(s.lostBy.outage >= 13 && s.lostBy.outage <= 15, String(s.lostBy.outage));
});

test('latency delays delivery; per-station outages and loss only affect that receiver', () => {
  const { clock, channel } = makeChannel({ latencyMs: 250, outages: [{ startMs: 0, endMs: 1e9, stations: ['C'] }] });
  const a = channel.attach('A', always);
  const b = channel.attach('B');
  channel.attach('C');
  const d = channel.attach('D', { loss: { kind: 'iid', p: 1 } });
  let at = -1;
  b.onFrame((_f, info) => (at = info.at));
  d.onFrame(() => assert.fail('D loses everything'));
  a.send(frameOf(10));
  drain(clock, channel);
  assert.ok(Math.abs(at - (onAirBits(frameOf(10)) * 1000) / 1200 - 250) < 1e-9);
  assert.equal(channel.stats().C!.lostBy.outage, 1);
  assert.equal(channel.stats().D!.lostBy.loss, 1);
});

test('the same seed replays exactly; another seed does not', () => {
  const run = (seed: number) => {
    const { heardB, channel } = transfer(2000, 60, { seed, loss: { kind: 'gilbert-elliott', pGoodToBad: 0.1, pBadToGood: 0.3 }, ber: 1e-4 });
    return JSON.stringify({ heard: [...heardB], stats: channel.stats() });
  };
  assert.equal(run(5), run(5));
  assert.notEqual(run(5), run(6));
});

test('an hour of two-way traffic at 1200 bit/s simulates in virtual time', () => {
  const { clock, channel } = makeChannel({ loss: { kind: 'iid', p: 0.1 }, seed: 21 });
  const a = channel.attach('A');
  const b = channel.attach('B');
  // A sends bursts of 4 frames of 256 bytes; B answers each burst with one short ack; A goes again
  let acks = 0;
  const burst = () => {
    for (let i = 0; i < 4; i++) a.send(frameOf(256, i));
  };
  b.onFrame((f) => {
    if (new DataView(f.buffer).getUint32(0) === 3) b.send(frameOf(20));
  });
  a.onFrame(() => {
    acks++;
    burst();
  });
  a.onIdle(() => {
    // a lost ack: try again after a 5 s timeout
    const before = acks;
    clock.setTimer(5000, () => {
      if (acks === before && !a.transmitting && a.queuedFrames === 0) burst();
    });
  });
  burst();
  clock.advance(3600_000);
  const s = channel.stats();
  assert.equal(clock.now(), 3600_000);
  assert.ok(s.A!.framesSent > 1000, `A sent ${s.A!.framesSent}`);
  assert.ok(s.A!.airtimeMs + s.B!.airtimeMs <= 3600_000 + 1e-6);
  assert.ok(acks > 200);
});

test('parseLossSpec reads the CLI forms', () => {
  assert.deepEqual(parseLossSpec('0.1'), { kind: 'iid', p: 0.1 });
  assert.deepEqual(parseLossSpec('iid:0.3'), { kind: 'iid', p: 0.3 });
  assert.deepEqual(parseLossSpec('none'), { kind: 'none' });
  assert.deepEqual(parseLossSpec('0'), { kind: 'none' });
  assert.deepEqual(parseLossSpec('ge:0.05,0.25'), { kind: 'gilbert-elliott', pGoodToBad: 0.05, pBadToGood: 0.25 });
  assert.deepEqual(parseLossSpec('gilbert-elliott:0.1,0.5,0.01,0.9'), {
    kind: 'gilbert-elliott',
    pGoodToBad: 0.1,
    pBadToGood: 0.5,
    lossGood: 0.01,
    lossBad: 0.9,
  });
  for (const bad of ['x', 'iid:', 'iid:1.5', 'ge:0.1', 'ge:0.1,0.2,0.3', '-0.1']) {
    assert.throws(() => parseLossSpec(bad), (e) => isRadiosyncError(e, 'RS_ERR_SIM_BAD_OPTION'), bad);
  }
});
