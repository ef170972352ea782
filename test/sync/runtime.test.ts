import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ManualClock } from '../../src/clock/ManualClock.js';
import { RadioChannel } from '../../src/sim/RadioChannel.js';
import { StationRuntime } from '../../src/sync/StationRuntime.js';
import { simRadioPort, type FramePort } from '../../src/sync/FramePort.js';
import type { Station } from '../../src/station/Station.js';
import { tableFingerprints } from '../../src/sync/tableFingerprint.js';
import { makeStations, tempDir } from './stations.js';
import { receiveSession } from '../../src/sync/sessions.js';
import { encodeUiFrame } from '../../src/framing/ax25.js';
import { parseCallsign } from '../../src/framing/callsign.js';
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { DIAGNOSTICS } from '../../src/diagnostics/DIAGNOSTICS.js';

const T0 = Date.UTC(2026, 10, 21, 12, 0, 0);

interface Pair {
  clock: ManualClock;
  channel: RadioChannel;
  a: Station;
  b: Station;
  portA: FramePort;
  ra: StationRuntime;
  rb: StationRuntime;
}

/** Stations A (sends only) and B on one simulated channel at 1200 bit/s; everything closed after `body`. */
async function withPair(loss: number, seed: number, body: (p: Pair) => Promise<void>): Promise<void> {
  const { dir, cleanup } = tempDir();
  const clock = new ManualClock(T0);
  const [a, b] = makeStations(dir, ['N0AAA', 'N0BBB'], { clock });
  const channel = new RadioChannel({ clock, seed, bitrate: 1200, loss: { kind: 'iid', p: loss } });
  const portA = simRadioPort(channel.attach('N0AAA'));
  const ra = new StationRuntime({ station: a!, port: portA, bitrate: 1200, acceptInbound: false });
  const rb = new StationRuntime({ station: b!, port: simRadioPort(channel.attach('N0BBB')), bitrate: 1200 });
  try {
    await body({ clock, channel, a: a!, b: b!, portA, ra, rb });
  } finally {
    ra.close();
    rb.close();
    a!.close();
    b!.close();
    cleanup();
  }
}

test('two stations sync the sample database over the simulator at 1200 bit/s with 10% loss (virtual time)', () =>
  withPair(0.1, 1, async ({ clock, channel, a, b, ra, rb }) => {
    const diag: Array<[string, { station: string; peer?: string }]> = [];
    const onApplied = (m: unknown) => diag.push(['applied', m as { station: string }]);
    const onAcked = (m: unknown) => diag.push(['acknowledged', m as { station: string; peer: string }]);
    subscribe(DIAGNOSTICS.sync.applied, onApplied);
    subscribe(DIAGNOSTICS.sync.acknowledged, onAcked);
    const info = ra.sendPending(['N0BBB']);
    assert.ok(info && info.rows > 4000);
    let acked = false;
    ra.on('acknowledged', () => (acked = true));
    const elapsed = await clock.run(() => acked, 6 * 3600_000);
    unsubscribe(DIAGNOSTICS.sync.applied, onApplied);
    unsubscribe(DIAGNOSTICS.sync.acknowledged, onAcked);
    assert.ok(acked, `not acknowledged after ${elapsed} ms virtual`);
    assert.deepEqual(diag.map(([e, m]) => [e, m.station, m.peer]), [['applied', 'N0BBB', undefined], ['acknowledged', 'N0AAA', 'N0BBB']], 'radiosync:sync:* events');
    assert.deepEqual(tableFingerprints(b.records), tableFingerprints(a.records));
    assert.equal(rb.counters.changesetsApplied, 1);
    // A's cursor for B moved: nothing more to send.
    assert.equal(ra.sendPending(['N0BBB']), undefined);
    const st = channel.stats();
    assert.ok(st['N0AAA']!.framesSent > 0 && st['N0BBB']!.framesSent > 0);
  }));

test('receive --once keeps answering while the sender is still on air, and leaves after the linger of silence', () =>
  withPair(0, 2, async ({ clock, portA, ra, rb }) => {
    const lingerMs = 8_000;
    let ended = -1;
    const session = receiveSession(rb, { once: true, timeoutMs: 3_600_000, lingerMs }).then((r) => {
      ended = clock.now();
      return r;
    });
    let appliedAt = -1;
    let lastFromA = -1;
    rb.on('applied', () => {
      appliedAt = clock.now();
      // A is still on air after B has everything (e.g. frames it had queued at its TNC): 6 more
      // frames, 5 s apart, longer than the linger in all.
      for (let i = 1; i <= 6; i++) {
        clock.setTimer(i * 5_000, () => {
          portA.send(encodeUiFrame({ destination: parseCallsign('N0BBB'), source: parseCallsign('N0AAA'), digipeaters: [], command: true, pid: 0xf0, info: new Uint8Array(40) }));
        });
      }
    });
    rb.on('heard', (e) => {
      if (e.from === 'N0AAA' && appliedAt >= 0) lastFromA = clock.now();
    });
    assert.ok(ra.sendPending(['N0BBB']));
    await clock.run(() => ended >= 0, 6 * 3600_000);
    const r = await session;
    assert.ok(r.ok && !r.timedOut, 'the session ended normally');
    assert.ok(lastFromA - appliedAt >= 30_000, `A was heard for ${lastFromA - appliedAt} ms after the apply`);
    assert.ok(ended - lastFromA >= lingerMs, `left ${ended - lastFromA} ms after A's last frame`);
    assert.ok(ended - lastFromA < lingerMs + 5_000, `but not much later: ${ended - lastFromA} ms`);
  }));
