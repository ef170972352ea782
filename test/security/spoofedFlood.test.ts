/**
 * Floods claiming a trusted callsign without its key, at the full 9600 bit/s line rate into one
 * station (virtual time), while a real transfer runs: with authenticated ANNOUNCE/CANCEL the
 * spoofer opens no announced transfer, the real transfer completes DURING the flood, the victim
 * never answers the spoofer, and the bytes held for reassembly stay within the unannounced pool.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runFlood } from './floodRun.js';
import { MAX_UNANNOUNCED_BYTES, MAX_UNANNOUNCED_TOTAL } from '../../src/link/inboundLimits.js';

/** Frames the victim may send in 5 minutes: its acks of the real transfer (a few rounds), never answers to the flood. */
const VICTIM_FRAMES_MAX = 40;

for (const kind of ['bogus-spoofed', 'spoofed-churn', 'spoofed-stream'] as const) {
  test(`a ${kind} flood claiming the trusted callsign for 5 minutes: the real transfer completes during it, nothing announced is opened, held bytes stay in the pool`, async () => {
    const r = await runFlood(kind, { durationMs: 300_000, startAfterMs: 30_000, rows: 100 });
    assert.ok(r.frames > 1000, `flood of ${r.frames} frames`); // 5 min at 9600 bit/s: ~1,500 frames of 256 B, ~4,000 short ones
    assert.ok(r.realTransferDone && r.converged, 'the real transfer completed while the flood went on');
    assert.equal(r.after.inbound - r.after.unannounced, 0, 'no announced partial transfer is left from the spoofer');
    assert.ok(r.after.unannounced <= MAX_UNANNOUNCED_TOTAL);
    assert.ok(r.after.heldBytes <= MAX_UNANNOUNCED_TOTAL * MAX_UNANNOUNCED_BYTES, `${r.after.heldBytes} bytes held`);
    assert.ok(r.victimFramesSent <= VICTIM_FRAMES_MAX, `the victim sent ${r.victimFramesSent} frames`);
  });
}
