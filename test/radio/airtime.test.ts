import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  AX25_FRAME_OVERHEAD_BYTES,
  airtimeBoundMs,
  burstAirtimeMs,
  bytesForAirtime,
  etaMs,
  expectedAccessMs,
  frameAirtimeMs,
  goodputBound,
  splitIntoFrames,
  turnaroundMs,
} from '../../src/radio/airtime.js';

const near = (a: number, b: number, eps = 1e-6): void => assert.ok(Math.abs(a - b) < eps, `${a} != ${b}`);

test('frame airtime: 20 B overhead, 1/62 stuffing, 7 B per digipeater', () => {
  near(frameAirtimeMs(256, { bitrate: 1200 }), (8 * 276 * (1 + 1 / 62) * 1000) / 1200);
  near(frameAirtimeMs(256, { bitrate: 1200, stuffing: 0 }), (8 * 276 * 1000) / 1200);
  near(frameAirtimeMs(100, { bitrate: 9600, digipeaters: 2, stuffing: 0 }), (8 * 134 * 1000) / 9600);
  assert.equal(AX25_FRAME_OVERHEAD_BYTES, 20);
});

test('burst airtime = TXDELAY + frames + TXTAIL; empty burst costs nothing', () => {
  const link = { bitrate: 1200, txDelayMs: 300, txTailMs: 50, stuffing: 0 };
  near(burstAirtimeMs([100, 100], link), 350 + (2 * 8 * 120 * 1000) / 1200);
  assert.equal(burstAirtimeMs([], link), 0);
});

test('turnaround with defaults is about 0.6 s (access 300 + TXDELAY 300 + TXTAIL 50)', () => {
  near(expectedAccessMs({ bitrate: 1200 }), 300);
  near(turnaroundMs({ bitrate: 1200 }), 650);
  assert.ok(turnaroundMs({ bitrate: 1200, persistence: 255 }) === 350);
});

test('T* bound matches the formula and the goodput bound', () => {
  const link = { bitrate: 1200 };
  const S = 10_000;
  const P = 200;
  const p = 0.1;
  const expect = ((8 * S * (P + 20) * (1 + 1 / 62)) / (P * (1 - p) * 1200) + 0.3) * 1000;
  near(airtimeBoundMs(S, P, p, link), expect);
  near(airtimeBoundMs(S, P, p, link) - 300, (S / goodputBound(P, p, link)) * 1000);
  assert.throws(() => airtimeBoundMs(S, P, 1, link), RangeError);
});

test('ETA at a link rate', () => {
  assert.equal(etaMs(1170, 117), 10_000);
  assert.equal(etaMs(0, 0), 0);
  assert.equal(etaMs(10, 0), Infinity);
});

test('splitIntoFrames sums to the input', () => {
  assert.deepEqual(splitIntoFrames(600, 256), [256, 256, 88]);
  assert.deepEqual(splitIntoFrames(0, 256), []);
});

test('bytesForAirtime is the largest byte count whose burst fits (property)', () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 0, max: 120_000 }),
      fc.integer({ min: 16, max: 512 }),
      fc.constantFrom(300, 1200, 9600),
      (air, frame, bitrate) => {
        const link = { bitrate };
        const n = bytesForAirtime(air, frame, link);
        if (n > 0) assert.ok(burstAirtimeMs(splitIntoFrames(n, frame), link) <= air);
        assert.ok(burstAirtimeMs(splitIntoFrames(n + 1, frame), link) > air);
      },
    ),
    { seed: 42, numRuns: 300 },
  );
});
