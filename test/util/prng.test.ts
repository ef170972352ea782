import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Prng, hashString32 } from '../../src/util/prng.js';

test('xoshiro128** matches the reference implementation from state {1,2,3,4}', () => {
  // values printed by the reference C code (prng.di.unimi.it/xoshiro128starstar.c) with s = {1,2,3,4}
  const g = Prng.fromState(1, 2, 3, 4);
  assert.deepEqual([g.nextUint32(), g.nextUint32(), g.nextUint32(), g.nextUint32(), g.nextUint32()], [11520, 0, 5927040, 70819200, 2031721883]);
});

test('same seed replays, different seeds differ, string seeds hash', () => {
  const a = new Prng(42);
  const b = new Prng(42);
  const c = new Prng(43);
  const xs = Array.from({ length: 8 }, () => a.nextUint32());
  assert.deepEqual(Array.from({ length: 8 }, () => b.nextUint32()), xs);
  assert.notDeepEqual(Array.from({ length: 8 }, () => c.nextUint32()), xs);
  assert.equal(new Prng('abc').seed, hashString32('abc'));
  assert.equal(hashString32(''), 0x811c9dc5);
  assert.equal(hashString32('a'), 0xe40c292c); // FNV-1a 32 test vector
});

test('next() is uniform in [0,1) and int(n) stays in range', () => {
  const g = new Prng(7);
  let sum = 0;
  const counts = [0, 0, 0, 0, 0, 0];
  for (let i = 0; i < 60_000; i++) {
    const x = g.next();
    assert.ok(x >= 0 && x < 1);
    sum += x;
    counts[g.int(6)]!++;
  }
  assert.ok(Math.abs(sum / 60_000 - 0.5) < 0.01);
  for (const k of counts) assert.ok(Math.abs(k - 10_000) < 500, `bucket ${k}`);
  assert.throws(() => g.int(0), RangeError);
});

test('fork depends on the seed and label, not on the parent position', () => {
  const p = new Prng(5);
  const f1 = p.fork('x').nextUint32();
  p.nextUint32();
  assert.equal(p.fork('x').nextUint32(), f1);
  assert.notEqual(p.fork('y').nextUint32(), f1);
});
