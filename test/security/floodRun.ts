/**
 * One flood scenario: station N0BBB's TNC receives junk at full line rate for `durationMs` while a
 * real transfer N0AAA → N0BBB (started `startAfterMs` into the flood) runs on the simulated channel.
 * (`floodMs` < `durationMs`: the flood stops and the run goes on, to see whether the transfer recovers.)
 * Returns what the victim holds before and after (link buffers, stored blocks, heard list, heap)
 * and whether the real transfer completed.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { performance } from 'node:perf_hooks';
import { AirRig, addPersons, stationState } from './airRig.js';
import { floodPort, type FloodKind } from './flood.js';
import { simRadioPort } from '../../src/sync/FramePort.js';
import { tableFingerprints } from '../../src/sync/tableFingerprint.js';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

export function heapMB(): number {
  gc();
  gc();
  return process.memoryUsage().heapUsed / 1e6;
}

export interface FloodResult {
  kind: FloodKind;
  frames: number;
  bytes: number;
  cpuMsPerFrame: number;
  before: Snapshot;
  after: Snapshot;
  realTransferDone: boolean;
  converged: boolean;
  dropped: { foreign: number; untrusted: number; badLinkFrames: number };
  /** Frames the victim put on the air (answers the flood provoked, plus its acks of the real transfer). */
  victimFramesSent: number;
}

export interface Snapshot {
  heapMB: number;
  inbound: number;
  /** Partial transfers without a (verified) announce, among `inbound`. */
  unannounced: number;
  shards: number;
  /** Bytes held for reassembly (buffered shards + stored blocks of partial transfers). */
  heldBytes: number;
  storedBlocks: number;
  owed: number;
  completedOwed: number;
  ignored: number;
  heard: number;
}

export async function runFlood(kind: FloodKind, o: { bitrate?: number; durationMs?: number; startAfterMs?: number; rows?: number; floodMs?: number } = {}): Promise<FloodResult> {
  const bitrate = o.bitrate ?? 9600;
  const rig = new AirRig({ bitrate, record: false, noRuntime: ['N0BBB'], runtime: { N0AAA: { acceptInbound: false } } });
  try {
    const port = floodPort(simRadioPort(rig.channel.attach('N0BBB')), rig.clock);
    const rtB = rig.startRuntime('N0BBB', {}, port);
    const snap = (): Snapshot => {
      const b = rtB.link.bufferState;
      const q = rtB.link.queue;
      const storedBlocks = q.listInbound().reduce((a, r) => a + q.inboundBlocks(r.from, r.id).size, 0);
      return { heapMB: heapMB(), ...b, storedBlocks, heard: rig.station('N0BBB').log.heardList().length };
    };
    addPersons(rig.station('N0AAA'), o.rows ?? 200);
    const before = snap();
    const t0 = performance.now();
    port.start(kind, { bitrate, durationMs: o.floodMs ?? o.durationMs ?? 3_600_000, victim: 'N0BBB', spoof: 'N0AAA' });
    let done = false;
    rig.runtime('N0AAA').on('acknowledged', () => (done = true));
    await rig.run(() => false, o.startAfterMs ?? 60_000);
    rig.runtime('N0AAA').sendPending(['N0BBB']);
    await rig.run(() => false, (o.durationMs ?? 3_600_000) - (o.startAfterMs ?? 60_000));
    const cpu = performance.now() - t0;
    const after = snap();
    const converged = JSON.stringify(tableFingerprints(rig.station('N0BBB').records)) === JSON.stringify(tableFingerprints(rig.station('N0AAA').records));
    void stationState;
    return {
      kind,
      frames: port.stats.frames,
      bytes: port.stats.bytes,
      cpuMsPerFrame: cpu / Math.max(1, port.stats.frames),
      before,
      after,
      realTransferDone: done,
      converged,
      victimFramesSent: rig.channel.stats()['N0BBB']?.framesSent ?? 0,
      dropped: { foreign: rtB.counters.foreignFrames, untrusted: rtB.counters.untrustedFrames, badLinkFrames: rtB.link.stats.badFrames },
    };
  } finally {
    rig.close();
  }
}
