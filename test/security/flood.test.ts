/**
 * Junk at the full 9600 bit/s line rate into one station while a real transfer runs (virtual time).
 * `node --import tsx test/security/flood-report.ts` runs the full hour of every kind and prints the figures.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runFlood } from './floodRun.js';
import { MAX_HEARD } from '../../src/store/StationLog.js';
import { MAX_INBOUND_TRANSFERS } from '../../src/link/TransferQueue.js';

/** Heap the victim may gain over a flood (GC'd before and after): the heard list, caches, JIT. */
const HEAP_SLACK_MB = 8;

for (const kind of ['random', 'bogus-foreign'] as const) {
  test(`a ${kind} flood from strangers at 9600 bit/s for 10 minutes: memory stays flat, nothing reaches the link, the real transfer completes`, async () => {
    const r = await runFlood(kind, { durationMs: 600_000, startAfterMs: 30_000, rows: 200 });
    assert.ok(r.frames > 4000, `flood of ${r.frames} frames`);
    assert.ok(r.realTransferDone && r.converged, 'the real transfer completed and the stations hold the same rows');
    assert.equal(r.after.inbound, 0);
    assert.equal(r.after.shards, 0);
    assert.equal(r.after.storedBlocks, 0);
    assert.ok(r.after.heard <= MAX_HEARD);
    assert.ok(r.after.heapMB - r.before.heapMB < HEAP_SLACK_MB, `heap ${r.before.heapMB.toFixed(1)} → ${r.after.heapMB.toFixed(1)} MB`);
    assert.equal(r.dropped.foreign + r.dropped.untrusted, r.frames, 'every junk frame was counted as dropped');
    assert.ok(r.victimFramesSent < 20, `the victim answered strangers: ${r.victimFramesSent} frames`);
  });
}

test('a flood of well-formed bogus frames claiming a trusted callsign (no key): link buffers stay within their bounds, heap flat', async () => {
  const r = await runFlood('bogus-spoofed', { durationMs: 300_000, startAfterMs: 30_000, rows: 50 });
  assert.ok(r.frames > 3000);
  assert.ok(r.after.inbound <= MAX_INBOUND_TRANSFERS);
  assert.ok(r.after.shards <= MAX_INBOUND_TRANSFERS * 64, `${r.after.shards} shards held`);
  assert.ok(r.after.heapMB - r.before.heapMB < HEAP_SLACK_MB, `heap ${r.before.heapMB.toFixed(1)} → ${r.after.heapMB.toFixed(1)} MB`);
});
