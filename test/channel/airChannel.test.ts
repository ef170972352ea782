/**
 * The test channel's air model on virtual time: structural properties only (ordering, loss
 * statistics with a fixed seed, queue overflow, no self-echo, half-duplex). Pacing is checked
 * only as the model's own exact arithmetic on virtual time, never against a wall clock.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { AirChannel, frameAirtimeMs, type AirChannelOptions } from './airChannel.js';
import { VirtualScheduler } from './scheduler.js';
import { meanLoss, parseLossSpec } from './lossModel.js';

interface Heard {
  to: string;
  from: string;
  frame: Uint8Array;
  t: number;
}

function harness(opts: Partial<AirChannelOptions> = {}) {
  const clock = new VirtualScheduler();
  const heard: Heard[] = [];
  const air = new AirChannel({ stations: ['A', 'B', 'C'], bitrate: 9600, txdelayMs: 30, txtailMs: 10, ...opts }, clock, (to, frame, from) => heard.push({ to, from, frame, t: clock.now() }));
  return { clock, air, heard };
}

/** A frame that names its sender and sequence number. */
const tagged = (from: string, n: number, len = 40) => {
  const f = new Uint8Array(len);
  f[0] = from.charCodeAt(0);
  f[1] = n >> 8;
  f[2] = n & 0xff;
  return f;
};
const seqOf = (f: Uint8Array) => (f[1]! << 8) | f[2]!;

/** A schedule of submissions: (at ms, station, frame length). */
const submissions = fc.array(fc.record({ at: fc.integer({ min: 0, max: 20_000 }), who: fc.constantFrom('A', 'B', 'C'), len: fc.integer({ min: 17, max: 300 }) }), { minLength: 1, maxLength: 120 });

function play(h: ReturnType<typeof harness>, subs: Array<{ at: number; who: string; len: number }>): Map<string, number> {
  const n = new Map<string, number>();
  for (const s of [...subs].sort((x, y) => x.at - y.at)) {
    h.clock.advanceTo(s.at);
    const k = n.get(s.who) ?? 0;
    if (h.air.submit(s.who, tagged(s.who, k, s.len))) n.set(s.who, k + 1);
  }
  h.clock.runAll();
  return n;
}

test('half-duplex: key-ups never overlap, every frame is heard inside its sender key-up, nobody hears itself', () => {
  fc.assert(
    fc.property(submissions, fc.integer({ min: 0, max: 255 }), fc.integer({ min: 0, max: 2 ** 31 }), (subs, persistence, seed) => {
      const h = harness({ persistence, slotMs: 50, seed, loss: { model: 'iid', p: 0.2 } });
      play(h, subs);
      const log = h.air.stats().keyUpLog;
      for (let i = 1; i < log.length; i++) assert.ok(log[i]!.start >= log[i - 1]!.end, `key-up ${i} starts ${log[i]!.start} before ${log[i - 1]!.end}`);
      for (const x of h.heard) {
        assert.notEqual(x.to, x.from, 'a station heard its own frame');
        assert.equal(String.fromCharCode(x.frame[0]!), x.from);
        assert.ok(log.some((k) => k.station === x.from && k.start <= x.t && x.t <= k.end), 'frame heard outside its sender key-up');
      }
    }),
    { seed: 9600, numRuns: 150 },
  );
});

test('ordering and conservation: without hold or duplicates, each receiver hears each sender in order; heard + lost = sent by the others', () => {
  fc.assert(
    fc.property(submissions, fc.integer({ min: 0, max: 2 ** 31 }), fc.constantFrom('0', '0.1', '0.3', 'ge:0.05,0.3'), (subs, seed, loss) => {
      const h = harness({ seed, loss: parseLossSpec(loss) });
      play(h, subs);
      const st = h.air.stats();
      for (const to of ['A', 'B', 'C']) {
        for (const from of ['A', 'B', 'C']) {
          if (from === to) continue;
          const seqs = h.heard.filter((x) => x.to === to && x.from === from).map((x) => seqOf(x.frame));
          assert.deepEqual(seqs, [...seqs].sort((a, b) => a - b), `${from}→${to} out of order`);
          assert.equal(new Set(seqs).size, seqs.length, `${from}→${to} duplicated`);
        }
        const sentByOthers = ['A', 'B', 'C'].filter((s) => s !== to).reduce((a, s) => a + st.stations[s]!.sent, 0);
        assert.equal(st.stations[to]!.received + st.stations[to]!.lost, sentByOthers);
        assert.equal(st.stations[to]!.received, h.heard.filter((x) => x.to === to).length);
      }
      for (const s of ['A', 'B', 'C']) assert.equal(st.stations[s]!.sent, st.stations[s]!.queued, 'a queued frame never left');
    }),
    { seed: 1200, numRuns: 150 },
  );
});

/** A frame carrying a 32-bit index. */
const indexed = (i: number) => {
  const f = new Uint8Array(32);
  new DataView(f.buffer).setUint32(4, i);
  return f;
};
const indexOf = (f: Uint8Array) => new DataView(f.buffer, f.byteOffset).getUint32(4);

function blast(opts: Partial<AirChannelOptions>, n: number) {
  const h = harness({ txdelayMs: 0, txtailMs: 0, bitrate: 1e6, ...opts });
  for (let i = 0; i < n; i++) {
    h.air.submit('A', indexed(i));
    h.clock.runAll();
  }
  const got = (r: string) => new Set(h.heard.filter((x) => x.to === r).map((x) => indexOf(x.frame)));
  return { h, st: h.air.stats().stations, got };
}

test('loss, i.i.d. with a fixed seed: each receiver loses about p of the frames, independently of the other receiver', () => {
  const n = 20_000;
  for (const p of [0.1, 0.3]) {
    const { st, got } = blast({ seed: 7, loss: { model: 'iid', p } }, n);
    const sigma = Math.sqrt(n * p * (1 - p));
    for (const r of ['B', 'C']) assert.ok(Math.abs(st[r]!.lost - n * p) < 5 * sigma, `${r} lost ${st[r]!.lost} of ${n} at p=${p}`);
    const b = got('B');
    const c = got('C');
    let both = 0;
    for (let i = 0; i < n; i++) if (!b.has(i) && !c.has(i)) both++;
    const q = p * p;
    assert.ok(Math.abs(both - n * q) < 5 * Math.sqrt(n * q * (1 - q)), `both lost ${both} of ${n}: not independent (expected ≈ ${n * q})`);
    assert.notDeepEqual([...b].slice(0, 200), [...c].slice(0, 200), 'two receivers lost the same frames');
  }
});

test('loss, Gilbert–Elliott: the long-run loss matches the stationary mean and losses come in bursts of mean length 1/B2G', () => {
  const n = 40_000;
  const spec = parseLossSpec('ge:0.02,0.25');
  const { st, got } = blast({ seed: 11, loss: spec }, n);
  const mean = meanLoss(spec);
  assert.ok(Math.abs(st.B!.lost / n - mean) < 0.02, `lost ${st.B!.lost / n}, expected ≈ ${mean}`);
  const b = got('B');
  let runs = 0;
  let lostFrames = 0;
  for (let i = 0; i < n; i++) {
    if (b.has(i)) continue;
    lostFrames++;
    if (i === 0 || b.has(i - 1)) runs++;
  }
  const meanRun = lostFrames / runs;
  assert.ok(meanRun > 3 && meanRun < 5, `mean burst ${meanRun}, expected ≈ 4`);
});

test('same seed, same channel; another seed, other losses', () => {
  const run = (seed: number) => {
    const { h } = blast({ seed, loss: { model: 'iid', p: 0.3 }, duplicate: 0.05 }, 500);
    return h.heard.map((x) => `${x.to}:${indexOf(x.frame)}`).join(',');
  };
  assert.equal(run(3), run(3));
  assert.notEqual(run(3), run(4));
});

test('TNC queue: frames handed over while it holds queueDepth are discarded and counted; the rest all go out', () => {
  const h = harness({ queueDepth: 100, persistence: 255 });
  let accepted = 0;
  for (let i = 0; i < 150; i++) if (h.air.submit('A', tagged('A', i))) accepted++;
  assert.equal(accepted, 100);
  h.clock.runAll();
  const st = h.air.stats().stations.A!;
  assert.equal(st.discarded, 50);
  assert.equal(st.sent, 100);
  assert.equal(st.maxQueue, 100);
  assert.deepEqual(h.heard.filter((x) => x.to === 'B').map((x) => seqOf(x.frame)), Array.from({ length: 100 }, (_, i) => i));
  // Once drained, the queue takes frames again.
  assert.ok(h.air.submit('A', tagged('A', 150)));
});

test('carrier sense: a station with frames waits while another transmits, then keys up after it', () => {
  const h = harness({ persistence: 255 });
  for (let i = 0; i < 20; i++) h.air.submit('A', tagged('A', i, 200));
  h.clock.advanceTo(100);
  h.air.submit('B', tagged('B', 0));
  h.clock.runAll();
  const log = h.air.stats().keyUpLog;
  assert.deepEqual(log.map((k) => [k.station, k.frames]), [['A', 20], ['B', 1]]);
  assert.ok(log[1]!.start >= log[0]!.end);
  // B, waiting and not transmitting, heard all of A's frames.
  assert.equal(h.heard.filter((x) => x.to === 'B').length, 20);
});

test('frames queued during a key-up join it (Dire Wolf keeps the carrier while its queue has frames)', () => {
  const h = harness({ persistence: 255 });
  h.air.submit('A', tagged('A', 0, 200));
  h.clock.advanceTo(40); // inside the first frame (TXDELAY 30 ms)
  h.air.submit('A', tagged('A', 1, 200));
  h.clock.runAll();
  assert.deepEqual(h.air.stats().keyUpLog.map((k) => k.frames), [2]);
});

test('on virtual time a key-up lasts exactly TXDELAY + its frames at 8·(L+4)·(1+1/62)/R + TXTAIL (the model, not a wall clock)', () => {
  const h = harness({ persistence: 255, txdelayMs: 300, txtailMs: 50, bitrate: 1200 });
  const lens = [17, 100, 272];
  for (const [i, n] of lens.entries()) h.air.submit('A', tagged('A', i, n));
  h.clock.runAll();
  const [k] = h.air.stats().keyUpLog;
  const expected = 300 + lens.reduce((a, n) => a + frameAirtimeMs(n, 1200), 0) + 50;
  assert.ok(Math.abs(k!.end - k!.start - expected) < 1e-6);
  assert.equal(frameAirtimeMs(256 + 16, 1200), (8 * 276 * (63 / 62) * 1000) / 1200);
  assert.equal(h.air.stats().stations.A!.bytesOnAir, lens.reduce((a, n) => a + n + 4, 0));
});

test('p-persistence: with P < 255 a station sometimes waits slots before keying up; with 255 never', () => {
  const waits = (persistence: number) => {
    const h = harness({ persistence, slotMs: 100, seed: 5 });
    const starts: number[] = [];
    for (let i = 0; i < 200; i++) {
      const t0 = h.clock.now();
      h.air.submit('A', tagged('A', i));
      h.clock.runAll();
      starts.push(h.air.stats().keyUpLog.at(-1)!.start - t0);
    }
    return starts;
  };
  assert.ok(waits(255).every((w) => w === 0));
  const w63 = waits(63);
  assert.ok(w63.some((w) => w > 0) && w63.some((w) => w === 0));
  assert.ok(w63.every((w) => Number.isInteger(Math.round(w / 100)) && Math.abs(w / 100 - Math.round(w / 100)) < 1e-9), 'waits are whole slots');
});

test('duplicates and hold-and-release: every copy is delivered, held frames can overtake later ones', () => {
  const h = harness({ seed: 2, duplicate: 0.2, hold: { p: 0.3, minMs: 50, maxMs: 3000 }, persistence: 255, queueDepth: 1000 });
  for (let i = 0; i < 300; i++) h.air.submit('A', tagged('A', i));
  h.clock.runAll();
  const st = h.air.stats().stations.B!;
  const toB = h.heard.filter((x) => x.to === 'B');
  assert.equal(toB.length, st.received);
  assert.equal(st.received, 300 + st.duplicated);
  assert.ok(st.duplicated > 20 && st.held > 50);
  const seqs = toB.map((x) => seqOf(x.frame));
  assert.notDeepEqual(seqs, [...seqs].sort((a, b) => a - b), 'held frames never overtook');
  assert.deepEqual([...new Set(seqs)].sort((a, b) => a - b), Array.from({ length: 300 }, (_, i) => i));
});

test('bad options are refused', () => {
  const clock = new VirtualScheduler();
  assert.throws(() => new AirChannel({ stations: ['A', 'A'], bitrate: 1200 }, clock, () => {}));
  assert.throws(() => new AirChannel({ stations: ['A'], bitrate: 0 }, clock, () => {}));
  assert.throws(() => new AirChannel({ stations: ['A'], bitrate: 1200, queueDepth: 0 }, clock, () => {}));
  assert.throws(() => parseLossSpec('1.5'));
  assert.throws(() => parseLossSpec('ge:0,0'));
  assert.throws(() => parseLossSpec('ge:0.1'));
});
