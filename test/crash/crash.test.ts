import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runCrashTrials, setupCrashDir } from './crashTrials.js';

// A few of the trials `node --import tsx test/crash/run.ts` runs 100 of.
test('kill -9 at random moments while two stations edit and sync: integrity ok, nothing half-applied, no acknowledged data lost, then they converge', async () => {
  const { dir, cleanup } = setupCrashDir();
  try {
    const rep = await runCrashTrials({ trials: 4, seed: 7, dir, maxKillMs: 1200 });
    assert.deepEqual(rep.problems, []);
    assert.ok(rep.trials.some((t) => Object.values(t.batches).some((n) => n > 0)), 'edits happened before the kills');
    assert.ok(rep.drain.ok, `did not converge: ${rep.drain.output}`);
    assert.equal(rep.rows['N0AAA'], rep.rows['N0BBB']);
  } finally {
    cleanup();
  }
});
