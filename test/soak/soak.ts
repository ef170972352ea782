/**
 * Soak: four real stations on one simulated channel (1200 bit/s, 30% i.i.d. frame loss) for days of
 * virtual time. Every hour is a scheduled burst window: each station queues what its peers lack as
 * one group transmission; edits keep arriving through plain SQL all the time. Each simulated day the
 * harness samples heap (after GC), the link queues and buffers, and whether the stations agree.
 * At the end a quiet drain period (no edits) must empty every queue and make all four identical.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { performance } from 'node:perf_hooks';
import { AirRig, addPersons, editPersons } from '../security/airRig.js';
import { tableFingerprints } from '../../src/sync/tableFingerprint.js';
import { Prng } from '../../src/util/prng.js';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

export const SOAK_CALLS = ['N0AAA', 'N0BBB', 'N0CCC', 'N0DDD'];
const HOUR = 3_600_000;
/** Edits: every EDIT_EVERY_MS one random station inserts a few persons and updates a few. */
const EDIT_EVERY_MS = 10 * 60_000;

export interface DaySample {
  day: number;
  heapMB: number;
  outbound: number;
  inbound: number;
  shards: number;
  rows: number[];
  agree: boolean;
  airtimeS: number;
  cpuS: number;
}

export interface SoakResult {
  days: DaySample[];
  drained: boolean;
  converged: boolean;
  drainHours: number;
  edits: number;
  rows: number[];
}

function allAgree(rig: AirRig): boolean {
  const fps = SOAK_CALLS.map((c) => JSON.stringify(tableFingerprints(rig.station(c).records)));
  return fps.every((f) => f === fps[0]);
}

export async function runSoak(opts: { days: number; seed?: number; loss?: number; onDay?: (d: DaySample) => void }): Promise<SoakResult> {
  const rig = new AirRig({ calls: SOAK_CALLS, seed: opts.seed ?? 3, bitrate: 1200, loss: { kind: 'iid', p: opts.loss ?? 0.3 }, record: false });
  const rng = new Prng(opts.seed ?? 3).fork('edits');
  const t0 = performance.now();
  const days: DaySample[] = [];
  let edits = 0;
  const sample = (day: number): DaySample => {
    gc();
    gc();
    let outbound = 0, inbound = 0, shards = 0;
    for (const c of SOAK_CALLS) {
      const rt = rig.runtime(c);
      outbound += rt.link.pendingOutbound().length;
      const b = rt.link.bufferState;
      inbound += b.inbound;
      shards += b.shards;
    }
    const air = Object.values(rig.channel.stats()).reduce((a, s) => a + s.airtimeMs, 0);
    return {
      day,
      heapMB: process.memoryUsage().heapUsed / 1e6,
      outbound,
      inbound,
      shards,
      rows: SOAK_CALLS.map((c) => (rig.station(c).records.db.prepare('SELECT count(*) AS n FROM person').get() as { n: number }).n),
      agree: allAgree(rig),
      airtimeS: air / 1000,
      cpuS: (performance.now() - t0) / 1000,
    };
  };
  const burst = () => {
    for (const c of SOAK_CALLS) rig.runtime(c).sendPending(SOAK_CALLS.filter((p) => p !== c));
  };
  try {
    for (let h = 0; h < opts.days * 24; h++) {
      burst();
      for (let m = 0; m < HOUR; m += EDIT_EVERY_MS) {
        const st = rig.station(SOAK_CALLS[rng.int(SOAK_CALLS.length)]!);
        addPersons(st, 1 + rng.int(3), `h${h}m${m / 60_000}`);
        editPersons(st, 2, `edited at ${st.callsign} hour ${h}`);
        edits++;
        await rig.run(() => false, EDIT_EVERY_MS);
      }
      if ((h + 1) % 24 === 0) {
        const d = sample((h + 1) / 24);
        days.push(d);
        opts.onDay?.(d);
      }
    }
    // drain: no more edits, bursts every hour until every queue is empty and all agree
    let drainHours = 0;
    let drained = false;
    let converged = false;
    while (drainHours < 48) {
      burst();
      await rig.run(() => false, HOUR);
      drainHours++;
      drained = SOAK_CALLS.every((c) => rig.runtime(c).link.pendingOutbound().length === 0);
      if (drained && (converged = allAgree(rig))) break;
    }
    return { days, drained, converged, drainHours, edits, rows: SOAK_CALLS.map((c) => (rig.station(c).records.db.prepare('SELECT count(*) AS n FROM person').get() as { n: number }).n) };
  } finally {
    rig.close();
  }
}
