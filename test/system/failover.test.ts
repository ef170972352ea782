/**
 * Online first, then radio (issue #16): two `radiosync daemon`s with a radio (the independent
 * real-time channel) and online (B listens, A reaches it through a tap). A's online session is
 * cut mid-changeset, by a close (the peer's process died) and silently (a cable pulled: only the
 * stall timeout notices). Nothing goes on air from A while online holds B; after the cut, A's
 * radio queues for B as soon as A's end of the session fails, and both stations converge over the
 * radio. The failover time is printed here and measured in `npm run bench -- realtime`
 * (RADIOSYNC_RT_PARTS=failover), not asserted.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { failover, type ChannelCase } from './scenarios.js';
import { summarize } from './outcome.js';

const CASE: ChannelCase = { bitrate: 9600, loss: '0.05', seed: 41, txdelayMs: 300, timeoutS: 240 };
const DATA = { rows: 300, files: { 'sitrep.md': 3000 } };

for (const mode of ['close', 'silent'] as const) {
  test(`failover, online cut (${mode}) mid-changeset: the radio takes over and the stations converge`, { timeout: (CASE.timeoutS + 120) * 1000 }, async () => {
    const o = await failover(CASE, DATA, mode);
    const line = (e: (typeof o.events)[number]) => `${e.at - o.events[0]!.at} ${e.station} ${e.kind} ${e.peer ?? ''} ${e.detail ?? ''}`;
    const why = `\n  ${summarize(o)}\n  ${o.events.map(line).join('\n  ')}`;
    assert.ok(o.onlineBytes >= 4096, `the tap cut the session mid-changeset${why}`);
    assert.equal(o.radioBeforeCut, 0, `A queued nothing on air for B while online held it${why}`);
    const failed = o.events.find((e) => e.station === 'N0HQ' && e.kind === 'online-failed');
    assert.equal(failed?.detail, mode === 'close' ? 'RS_ERR_ONLINE_CLOSED' : 'RS_ERR_ONLINE_STALLED', why);
    assert.ok(Number.isFinite(o.failoverMs) && o.failoverMs >= o.failedMs, `A's radio queued for B after its online attempt failed${why}`);
    assert.ok(o.converged, `did not converge over the radio${why}`);
    assert.deepEqual([o.tableDiff, o.folderDiff], [[], []]);
    assert.deepEqual([o.runs.daemonA!.code, o.runs.daemonB!.code], [0, 0], why);
    console.log(`# ${mode}: online given up ${(o.failedMs / 1000).toFixed(1)} s after the cut, radio queued at ${(o.failoverMs / 1000).toFixed(1)} s, converged at ${(o.convergedMs / 1000).toFixed(1)} s`);
  });
}
