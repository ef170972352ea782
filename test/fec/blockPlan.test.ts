import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { blockRange, planBlocks, planFromGeometry } from '../../src/fec/blockPlan.js';

test('blocks tile the payload exactly, balanced, each with 1..k shards; receivers derive the same plan', () => {
  fc.assert(
    fc.property(fc.integer({ min: 0, max: 5_000_000 }), fc.integer({ min: 1, max: 300 }), fc.integer({ min: 1, max: 255 }), (size, s, maxK) => {
      const plan = planBlocks(size, s, maxK);
      assert.ok(plan.k <= maxK);
      assert.deepEqual(planFromGeometry(size, s, plan.k), plan);
      let offset = 0;
      let shards = 0;
      for (let i = 0; i < plan.blockCount; i++) {
        const r = blockRange(plan, i);
        assert.equal(r.offset, offset);
        assert.ok(r.k >= 1 && r.k <= plan.k);
        if (i < plan.blockCount - 1) assert.equal(r.k, plan.k);
        assert.ok(r.length <= r.k * s);
        offset += r.length;
        shards += r.k;
      }
      assert.equal(offset, size);
      assert.equal(shards, plan.totalShards);
    }),
    { seed: 42, numRuns: 300 },
  );
});

test('a 65-shard payload with maxK 64 is two balanced blocks, not 64 + 1', () => {
  const plan = planBlocks(65 * 100, 100, 64);
  assert.equal(plan.blockCount, 2);
  assert.equal(blockRange(plan, 0).k, 33);
  assert.equal(blockRange(plan, 1).k, 32);
});
