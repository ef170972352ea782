import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { hlcPack, hlcTick, hlcReceive, hlcWallMs, hlcCounter, compareStamp } from '../../src/store/hlc.js';

const T = Date.UTC(2026, 0, 1);

test('tick is strictly increasing and follows the wall clock', () => {
  const a = hlcTick(0n, T);
  assert.equal(hlcWallMs(a), T);
  assert.equal(hlcCounter(a), 0);
  const b = hlcTick(a, T); // same millisecond: counter
  assert.equal(hlcWallMs(b), T);
  assert.equal(hlcCounter(b), 1);
  const c = hlcTick(b, T - 5000); // wall clock stepped back: still increasing
  assert.ok(c > b);
  assert.equal(hlcTick(c, T + 10), hlcPack(T + 10));
});

test('counter overflow carries into the millisecond field', () => {
  const h = hlcPack(T, 0xffff);
  const n = hlcTick(h, T);
  assert.equal(hlcWallMs(n), T + 1);
  assert.equal(hlcCounter(n), 0);
});

test('receive adopts a remote within the drift bound', () => {
  const r = hlcReceive(hlcPack(T), hlcPack(T + 1000, 3), T, 60_000);
  assert.equal(r.clamped, false);
  assert.equal(r.hlc, hlcPack(T + 1000, 4));
  assert.equal(r.aheadMs, 1000);
});

test('receive never drags the clock beyond wall + maxDrift, and reports the skew', () => {
  const threeDays = 3 * 86_400_000;
  const r = hlcReceive(hlcPack(T), hlcPack(T + threeDays), T, 60_000);
  assert.equal(r.clamped, true);
  assert.equal(r.aheadMs, threeDays);
  assert.ok(hlcWallMs(r.hlc) <= T + 60_000 + 1);
});

test('property: receive is monotonic and bounded', () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 0, max: 10_000_000 }),
      fc.integer({ min: -5_000_000, max: 5_000_000 }),
      fc.integer({ min: 0, max: 100 }),
      (lastOff, remoteOff, drift) => {
        const last = hlcPack(T + lastOff);
        const r = hlcReceive(last, hlcPack(T + remoteOff), T, drift);
        assert.ok(r.hlc > last);
        assert.ok(hlcWallMs(r.hlc) <= Math.max(T + lastOff, T + drift) + 1);
      },
    ),
    { seed: 42, numRuns: 300 },
  );
});

test('compareStamp orders by HLC, then origin', () => {
  assert.equal(compareStamp({ hlc: 5n, origin: 'B' }, { hlc: 6n, origin: 'A' }), -1);
  assert.equal(compareStamp({ hlc: 6n, origin: 'B' }, { hlc: 6n, origin: 'A' }), 1);
  assert.equal(compareStamp({ hlc: 6n, origin: 'A' }, { hlc: 6n, origin: 'A' }), 0);
});
