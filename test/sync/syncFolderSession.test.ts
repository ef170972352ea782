/**
 * `sync` between two folder stations on virtual time: the peer captures its new file only when it
 * answers the sync request, so the digest in its receipt for our changeset predates what its answer
 * carries. Found by the real-time system case `sync … p=0.1 · seed 2`: the session judged from that
 * stale digest, started a repair for nothing, then slept to its timeout (the wait did not wake on
 * the repair's end) and lingered 30 s past it, so the harness killed it.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { RadioChannel } from '../../src/sim/RadioChannel.js';
import { StationRuntime } from '../../src/sync/StationRuntime.js';
import { simRadioPort } from '../../src/sync/FramePort.js';
import { HelloKind } from '../../src/sync/hello.js';
import { dropping, helloBody } from './droppingPort.js';
import { receiveSession, syncSession, type SessionResult } from '../../src/sync/sessions.js';
import { folderSetup, syncedTree } from './folderStations.js';
import type { ManualClock } from '../../src/clock/ManualClock.js';

async function run<T>(clock: ManualClock, p: Promise<T>, limitMs: number): Promise<T> {
  let done = false;
  const q = p.finally(() => (done = true));
  await clock.run(() => done, limitMs);
  return q;
}

const TIMEOUT_MS = 600_000;

test('sync with a peer that captures a file when it answers: in sync from a fresh digest, no repair, within the timeout', async () => {
  const { nodes, clock, done } = folderSetup(['N0AAA', 'N0BBB']);
  const [a, b] = nodes as [(typeof nodes)[0], (typeof nodes)[0]];
  const channel = new RadioChannel({ clock, seed: 5, bitrate: 9600, loss: { kind: 'iid', p: 0 } });
  // the first HELLO S is lost: B acknowledges A's changeset (its receipt carries its digest, taken
  // before it scanned its folder) and only then hears the repeated request, scans and answers
  const portA = dropping(simRadioPort(channel.attach('N0AAA')), (f) => helloBody(f)?.[0] === HelloKind.SyncRequest);
  const ra = new StationRuntime({ station: a.station, folders: a.fs, port: portA, bitrate: 9600 });
  const rb = new StationRuntime({ station: b.station, folders: b.fs, port: simRadioPort(channel.attach('N0BBB')), bitrate: 9600 });
  try {
    writeFileSync(join(a.root, 'from-a.txt'), 'A: water point at the school\n'.repeat(20));
    writeFileSync(join(b.root, 'from-b.txt'), 'B: road to the valley is closed\n'.repeat(20));
    const startedB = clock.now();
    const recv = receiveSession(rb, { once: true, timeoutMs: TIMEOUT_MS, lingerMs: 8_000 });
    const r: SessionResult = await run(clock, syncSession(ra, 'N0BBB', { timeoutMs: TIMEOUT_MS, lingerMs: 8_000 }), TIMEOUT_MS * 2);
    const got = await run(clock, recv, TIMEOUT_MS * 2);
    assert.equal(portA.dropped, 1, 'the first sync request was lost');
    assert.equal(r.received.changesets, 1, 'B answered with its file');
    assert.deepEqual(r.repairs, [], 'no repair: the only difference was a digest older than B\'s answer');
    assert.equal(r.verdicts['N0BBB']?.state, 'in sync', JSON.stringify(r.verdicts));
    assert.ok(r.ok && !r.timedOut, `sync ok (timed out: ${r.timedOut})`);
    assert.ok(r.durationMs < TIMEOUT_MS / 4, `ended in ${r.durationMs} ms, not at its timeout`);
    assert.ok(got.ok, `receive ok ${JSON.stringify(got.verdicts)}`);
    assert.ok(clock.now() - startedB <= TIMEOUT_MS, 'neither session outlived its timeout');
    assert.deepEqual(syncedTree(a.root), syncedTree(b.root));
  } finally {
    ra.close();
    rb.close();
    done();
  }
});

test('a sync never outlives its --timeout, even when it ends in its final linger', async () => {
  const { nodes, clock, done } = folderSetup(['N0AAA', 'N0BBB']);
  const [a, b] = nodes as [(typeof nodes)[0], (typeof nodes)[0]];
  const channel = new RadioChannel({ clock, seed: 6, bitrate: 1200, loss: { kind: 'iid', p: 0 } });
  const ra = new StationRuntime({ station: a.station, folders: a.fs, port: simRadioPort(channel.attach('N0AAA')), bitrate: 1200 });
  const rb = new StationRuntime({ station: b.station, folders: b.fs, port: simRadioPort(channel.attach('N0BBB')), bitrate: 1200 });
  try {
    writeFileSync(join(b.root, 'from-b.txt'), 'B: shelter 4 needs blankets\n'.repeat(10));
    void receiveSession(rb, { once: true, timeoutMs: TIMEOUT_MS, lingerMs: 8_000 });
    // a first sync measures how long the exchange takes; a second, with a timeout just past its
    // exchange but shorter than the linger, must end at that timeout, not a linger later
    const probe = await run(clock, syncSession(ra, 'N0BBB', { timeoutMs: TIMEOUT_MS, lingerMs: 600_000 }), TIMEOUT_MS * 2);
    assert.ok(probe.received.changesets === 1, 'the exchange happened');
    assert.ok(probe.durationMs <= TIMEOUT_MS, `a linger longer than the timeout is cut at the timeout: ${probe.durationMs} ms`);
  } finally {
    ra.close();
    rb.close();
    done();
  }
});
