import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { ManualClock } from '../../src/clock/ManualClock.js';
import { RadioChannel } from '../../src/sim/RadioChannel.js';
import type { LossSpec } from '../../src/sim/lossModels.js';

const lossArb: fc.Arbitrary<LossSpec> = fc.oneof(
  fc.constant<LossSpec>({ kind: 'none' }),
  fc.double({ min: 0, max: 0.6, noNaN: true }).map((p): LossSpec => ({ kind: 'iid', p })),
  fc
    .tuple(fc.double({ min: 0.01, max: 0.5, noNaN: true }), fc.double({ min: 0.05, max: 1, noNaN: true }))
    .map(([g, b]): LossSpec => ({ kind: 'gilbert-elliott', pGoodToBad: g, pBadToGood: b })),
);

const scenarioArb = fc.record({
  stations: fc.integer({ min: 2, max: 4 }),
  bitrate: fc.constantFrom(300, 1200, 9600),
  loss: lossArb,
  ber: fc.constantFrom(0, 1e-5, 1e-4),
  seed: fc.integer({ min: 0, max: 1000 }),
  persistence: fc.integer({ min: 0, max: 255 }),
  txDelayMs: fc.integer({ min: 0, max: 500 }),
  txTailMs: fc.integer({ min: 0, max: 100 }),
  sends: fc.array(
    fc.record({ at: fc.integer({ min: 0, max: 60_000 }), station: fc.nat(3), len: fc.integer({ min: 1, max: 300 }), fill: fc.nat(255) }),
    { maxLength: 40 },
  ),
});

test('conservation: every frame is sent once, and each receiver either hears it intact or counts it lost', () => {
  fc.assert(
    fc.property(scenarioArb, (sc) => {
      const clock = new ManualClock(0);
      const channel = new RadioChannel({ clock, seed: sc.seed, bitrate: sc.bitrate, loss: sc.loss, ber: sc.ber });
      const names = Array.from({ length: sc.stations }, (_, i) => `S${i}`);
      const radios = names.map((n) => channel.attach(n, { persistence: sc.persistence, txDelayMs: sc.txDelayMs, txTailMs: sc.txTailMs }));
      const sent = new Map<string, string[]>(names.map((n) => [n, []]));
      const heard = new Map<string, number>(names.map((n) => [n, 0]));
      radios.forEach((r, i) =>
        r.onFrame((f, info) => {
          assert.notEqual(info.from, names[i]);
          assert.ok(sent.get(info.from)!.includes(Buffer.from(f).toString('hex')), 'a heard frame is one its sender sent');
          heard.set(names[i]!, heard.get(names[i]!)! + 1);
        }),
      );
      for (const s of sc.sends) {
        const i = s.station % sc.stations;
        const frame = new Uint8Array(s.len).fill(s.fill);
        clock.setTimer(s.at, () => {
          sent.get(names[i]!)!.push(Buffer.from(frame).toString('hex'));
          radios[i]!.send(frame);
        });
      }
      while (clock.step());
      assert.ok(channel.quiet);
      const stats = channel.stats();
      const totalSent = names.reduce((n, name) => n + stats[name]!.framesSent, 0);
      for (const name of names) {
        const s = stats[name]!;
        assert.equal(s.framesSent, sent.get(name)!.length);
        assert.equal(s.framesDelivered + s.framesLost, totalSent - s.framesSent);
        assert.equal(heard.get(name), s.framesDelivered);
        const lostSum = Object.values(s.lostBy).reduce((a, b) => a + b, 0);
        assert.equal(lostSum, s.framesLost);
        const expectedAir = s.keyUps * (sc.txDelayMs + sc.txTailMs) + (s.bitsOnAir * 1000) / sc.bitrate;
        assert.ok(Math.abs(s.airtimeMs - expectedAir) < 1e-6, `airtime ${s.airtimeMs} vs ${expectedAir}`);
        assert.ok(s.keyUps <= s.framesSent);
      }
    }),
    { seed: 42, numRuns: 150 },
  );
});
