/** The link over the shared simulator (src/sim/RadioChannel): TXDELAY, carrier sense, airtime, loss models. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ManualClock } from '../../src/clock/ManualClock.js';
import { RadioChannel } from '../../src/sim/RadioChannel.js';
import type { LossSpec } from '../../src/sim/lossModels.js';
import { payloadOf } from './helpers/harness.js';
import { simStation } from './helpers/simLink.js';

async function transfer(loss: LossSpec, seed: number, size: number) {
  const clock = new ManualClock(0);
  const channel = new RadioChannel({ clock, seed, bitrate: 1200, loss });
  const a = simStation(channel, 'N0AAA', { clock, bitrate: 1200 });
  const b = simStation(channel, 'N0BBB', { clock, bitrate: 1200, deliver: (d) => void got.push(d.bytes()) });
  const got: Uint8Array[] = [];
  let delivered = 0;
  a.link.on('delivered', () => delivered++);
  const payload = payloadOf(size, seed);
  a.link.enqueue({ to: ['N0BBB'], payload });
  await clock.run(() => delivered > 0, 4 * 3_600_000);
  return { payload, got, delivered, stats: channel.stats(), a, b };
}

test('over the simulator at 20% i.i.d. loss: exact delivery, key-ups and collisions accounted', async () => {
  const r = await transfer({ kind: 'iid', p: 0.2 }, 31, 15_000);
  assert.equal(r.delivered, 1);
  assert.deepEqual(r.got, [r.payload]);
  assert.equal(r.stats['N0AAA']!.framesSent, r.a.link.stats.framesSent);
  assert.ok(r.stats['N0AAA']!.keyUps >= 1 && r.stats['N0BBB']!.keyUps >= 1);
});

test('over the simulator under Gilbert–Elliott burst loss: exact delivery', async () => {
  const r = await transfer({ kind: 'gilbert-elliott', pGoodToBad: 0.05, pBadToGood: 0.25, lossGood: 0.02, lossBad: 0.7 }, 32, 15_000);
  assert.deepEqual(r.got, [r.payload]);
});

test('over the simulator: a 5-station group with independent losses completes from one transmission', async () => {
  const clock = new ManualClock(0);
  const channel = new RadioChannel({ clock, seed: 33, bitrate: 1200 });
  const a = simStation(channel, 'N0AAA', { clock, bitrate: 1200 });
  const names = ['N0BB1', 'N0BB2', 'N0BB3', 'N0BB4', 'N0BB5'];
  const got = new Map<string, Uint8Array>();
  names.forEach((n, i) => simStation(channel, n, { clock, bitrate: 1200, radio: { loss: { kind: 'iid', p: 0.05 * (i + 1) } }, deliver: (d) => void got.set(n, d.bytes()) }));
  const delivered = new Set<string>();
  a.link.on('delivered', (e) => delivered.add(e.to));
  const payload = payloadOf(10_000, 33);
  a.link.enqueue({ to: names, payload });
  await clock.run(() => delivered.size === 5, 4 * 3_600_000);
  assert.equal(delivered.size, 5);
  for (const n of names) assert.deepEqual(got.get(n), payload, n);
  const s = channel.stats();
  const collisions = Object.values(s).reduce((x, v) => x + v.collisions, 0);
  assert.ok(collisions <= 2, `ack slots keep collisions rare: ${collisions}`);
});

test('over the simulator as real TNCs behave (no transmit-done, uneven latency up to 3 s, held and duplicated frames, 10% loss): exact, once', async () => {
  for (const seed of [41, 42, 43]) {
    const clock = new ManualClock(0);
    const channel = new RadioChannel({ clock, seed, bitrate: 9600, loss: { kind: 'iid', p: 0.1 }, latencyMs: 100, latencyJitterMs: 3000, duplicate: 0.05, hold: { p: 0.02, maxMs: 5000 } });
    const got: Uint8Array[] = [];
    const a = simStation(channel, 'N0AAA', { clock, bitrate: 9600 });
    simStation(channel, 'N0BBB', { clock, bitrate: 9600, deliver: (d) => void got.push(d.bytes()) });
    let delivered = 0;
    a.link.on('delivered', () => delivered++);
    const payload = payloadOf(40_000, seed);
    a.link.enqueue({ to: ['N0BBB'], payload });
    await clock.run(() => delivered > 0, 3_600_000);
    await clock.run(() => false, 60_000);
    assert.equal(delivered, 1, `seed ${seed}`);
    assert.deepEqual(got, [payload], `seed ${seed}: delivered exactly once, intact`);
  }
});
