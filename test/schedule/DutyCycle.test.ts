import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { DutyCycle } from '../../src/schedule/DutyCycle.js';

test('20 % of 10 min allows 120 s of key-ups, then waits for them to roll out', () => {
  const d = new DutyCycle({ capFraction: 0.2, windowMs: 600_000 });
  assert.equal(d.allowanceMs, 120_000);
  d.record(0, 100_000);
  assert.equal(d.availableMs(100_000), 20_000);
  assert.equal(d.canTransmit(20_001, 100_000), false);
  // 30 s needs 10 s of the first key-up to leave the window: at t = 610 000
  assert.equal(d.nextAllowedAt(30_000, 100_000), 610_000);
  assert.equal(d.nextAllowedAt(120_001, 100_000), Infinity);
  assert.equal(new DutyCycle({ capFraction: 1 }).availableMs(0), Infinity);
  assert.throws(() => new DutyCycle({ capFraction: 0 }), RangeError);
});

test('property: following nextAllowedAt never exceeds the cap in any rolling window', () => {
  fc.assert(
    fc.property(
      fc.array(fc.record({ gap: fc.integer({ min: 0, max: 200_000 }), len: fc.integer({ min: 100, max: 60_000 }) }), {
        minLength: 1,
        maxLength: 80,
      }),
      (bursts) => {
        const W = 600_000;
        const d = new DutyCycle({ capFraction: 0.2, windowMs: W });
        const iv: Array<[number, number]> = [];
        let t = 0;
        for (const b of bursts) {
          t = d.nextAllowedAt(b.len, t + b.gap);
          d.record(t, b.len);
          iv.push([t, t + b.len]);
          t += b.len;
        }
        // the worst window ends at some key-up end or starts at some key-up start
        for (const end of iv.flatMap(([a, b]) => [b, a + W])) {
          let used = 0;
          for (const [a, b] of iv) used += Math.max(0, Math.min(b, end) - Math.max(a, end - W));
          assert.ok(used <= 0.2 * W + 1e-9, `used ${used}`);
        }
      },
    ),
    { seed: 42, numRuns: 200 },
  );
});
