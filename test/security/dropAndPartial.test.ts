/**
 * What never reaches the store: a "complete" transfer whose payload is a partial or spliced
 * changeset (the link's hash check passes because the attacker announced the hash of what it
 * sent), and frames from unknown or retired stations — even when they carry a genuine signed
 * changeset.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AirRig, addPersons, stationState } from './airRig.js';
import { attackerLink } from './attackerLink.js';
import { sealChangeset } from '../../src/sync/signedChangeset.js';

const A = 'N0AAA';
const B = 'N0BBB';

function genuineChangeset(rig: AirRig): Uint8Array {
  addPersons(rig.station(A), 25);
  const cs = rig.station(A).records.buildChangeset(B, { acked: {}, to: [B] });
  return sealChangeset(rig.station(A), cs);
}

test('a forged "complete, hash verified" transfer of a partial or spliced changeset from a spoofer is never opened nor applied', async () => {
  const rig = new AirRig({ noRuntime: [A] });
  try {
    const sealed = genuineChangeset(rig);
    const rtB = rig.runtime(B);
    const refused: string[] = [];
    rtB.on('refused', (e) => refused.push(e.code));
    const before = stationState(rig.station(B));
    const { link, close } = attackerLink(rig.attacker(), rig.clock, A, rig.bitrate);
    const half = Math.floor(sealed.length / 2);
    const spliced = new Uint8Array([...sealed.subarray(0, Math.floor(sealed.length * 0.4)), ...sealed.subarray(Math.floor(sealed.length * 0.6))]);
    const payloads = [sealed.subarray(0, half), spliced, sealed.subarray(0, sealed.length - 1)];
    for (const p of payloads) link.enqueue({ to: [B], payload: p.slice() });
    await rig.run(() => false, 1_800_000);
    close();
    // Its ANNOUNCEs carry no tag from the pair key: B's link opens no transfer for them (the
    // signature check behind it is the second line: test/security/replayForgery.test.ts).
    assert.equal(refused.length, 0);
    assert.ok(rtB.link.stats.authFailures > 0, 'the untagged announces were counted');
    assert.equal(rtB.link.bufferState.inbound - rtB.link.bufferState.unannounced, 0, 'no announced transfer was opened');
    assert.equal(rig.air.filter((f) => f.from === B).length, 0, 'B never answered the spoofer');
    assert.equal(rtB.counters.changesetsApplied, 0);
    assert.equal(rtB.counters.rowsApplied, 0);
    assert.deepEqual(stationState(rig.station(B)), before);
  } finally {
    rig.close();
  }
});

test('frames from an unknown station are dropped at the door, counted and logged, even with a genuine signed changeset inside', async () => {
  const rig = new AirRig({ noRuntime: [A] });
  try {
    const sealed = genuineChangeset(rig);
    const rtB = rig.runtime(B);
    const before = stationState(rig.station(B));
    const { link, close } = attackerLink(rig.attacker(), rig.clock, 'W1EVL', rig.bitrate);
    link.enqueue({ to: [B], payload: sealed });
    await rig.run(() => false, 300_000);
    close();
    assert.ok(rtB.counters.untrustedFrames > 0);
    assert.equal(rig.station(B).log.counters()['dropped.untrusted'], rtB.counters.untrustedFrames);
    assert.equal(rtB.link.stats.framesReceived, 0, 'the link never saw them');
    assert.equal(rtB.link.bufferState.inbound, 0);
    assert.equal(rig.air.filter((f) => f.from === B).length, 0, 'B never answered');
    assert.deepEqual(stationState(rig.station(B)), before);
  } finally {
    rig.close();
  }
});

test('a retired (out of use) peer is treated as unknown: its genuine changesets are dropped', async () => {
  const rig = new AirRig({ runtime: { [A]: { acceptInbound: false } } });
  try {
    addPersons(rig.station(A), 10);
    rig.station(B).log.setOutOfUse(A, true);
    const before = stationState(rig.station(B));
    rig.runtime(A).sendPending([B]);
    await rig.run(() => false, 300_000);
    assert.ok(rig.runtime(B).counters.untrustedFrames > 0);
    assert.equal(rig.runtime(B).counters.changesetsApplied, 0);
    assert.deepEqual(stationState(rig.station(B)), before);
    assert.deepEqual(stationState(rig.station(A)).cursors[B], {}, 'A got no receipt');
  } finally {
    rig.close();
  }
});
