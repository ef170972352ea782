import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ManualClock } from '../../src/clock/ManualClock.js';
import { RadioChannel } from '../../src/sim/RadioChannel.js';
import { StationRuntime } from '../../src/sync/StationRuntime.js';
import { simRadioPort } from '../../src/sync/FramePort.js';
import { tableFingerprints } from '../../src/sync/tableFingerprint.js';
import { makeStations, tempDir } from './stations.js';

const T0 = Date.UTC(2026, 10, 21, 12, 0, 0);

test('two stations sync the sample database over the simulator at 1200 bit/s with 10% loss (virtual time)', async () => {
  const { dir, cleanup } = tempDir();
  const clock = new ManualClock(T0);
  const [a, b] = makeStations(dir, ['N0AAA', 'N0BBB'], { clock });
  const channel = new RadioChannel({ clock, seed: 1, bitrate: 1200, loss: { kind: 'iid', p: 0.1 } });
  const ra = new StationRuntime({ station: a!, port: simRadioPort(channel.attach('N0AAA')), bitrate: 1200, acceptInbound: false });
  const rb = new StationRuntime({ station: b!, port: simRadioPort(channel.attach('N0BBB')), bitrate: 1200 });
  try {
    const info = ra.sendPending(['N0BBB']);
    assert.ok(info && info.rows > 4000);
    let acked = false;
    ra.on('acknowledged', () => (acked = true));
    const elapsed = await clock.run(() => acked, 6 * 3600_000);
    assert.ok(acked, `not acknowledged after ${elapsed} ms virtual`);
    assert.deepEqual(tableFingerprints(b!.records), tableFingerprints(a!.records));
    assert.equal(rb.counters.changesetsApplied, 1);
    // A's cursor for B moved: nothing more to send.
    assert.equal(ra.sendPending(['N0BBB']), undefined);
    const st = channel.stats();
    assert.ok(st['N0AAA']!.framesSent > 0 && st['N0BBB']!.framesSent > 0);
  } finally {
    ra.close();
    rb.close();
    a!.close();
    b!.close();
    cleanup();
  }
});
