import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runFuzz } from '../fuzz/harness.js';

// test/run-tests.mjs skips test/fuzz/, so the npm-test share of the fuzzers lives here.
// A small share of `npm run fuzz` (which runs ≥ 1,000,000 inputs): the same seeded targets, about
// 2% of each count, each stopped after 2 s.
test('fuzz: every decoder and the whole receive path take random, mutated and truncated input without crash, hang, untyped error or state change', async () => {
  const rep = await runFuzz({ seed: 20261121, scale: 0.02, budgetMs: 2_000 });
  assert.equal(rep.stateUnchanged, true, 'junk changed the receiving station');
  const names = rep.targets.map((t) => t.target);
  assert.deepEqual(names, ['kiss', 'ax25', 'linkFrame', 'changeset', 'envelope', 'receipt', 'bundle', 'bundleImport', 'receivePath']);
  for (const t of rep.targets) assert.ok(t.inputs >= 100, `${t.target} ran only ${t.inputs} inputs`);
  // the receive path saw every kind of outcome: foreign, untrusted and trusted-but-bad frames
  const rp = rep.targets.find((t) => t.target === 'receivePath')!.tally;
  assert.ok(rp.foreign! > 0 && rp.untrusted! > 0 && rp.badFrames! > 0, JSON.stringify(rp));
});
