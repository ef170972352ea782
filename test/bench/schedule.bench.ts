/**
 * `npm run bench -- schedule`: the airtime arithmetic at common bit rates (turnaround cost, goodput
 * bound, T*), set against Dire Wolf's measured AX.25 goodput, and the daily capacity a station gets
 * under scheduled windows, a duty-cycle cap and budgets (24 simulated hours of the burst planner
 * with a queue that never empties).
 */
import type { BenchReport, BenchTable } from './report.js';
import {
  airtimeBoundMs,
  burstAirtimeMs,
  frameAirtimeMs,
  goodputBound,
  splitIntoFrames,
  turnaroundMs,
  type LinkParams,
} from '../../src/radio/airtime.js';
import { Budget, DAY_MS } from '../../src/schedule/Budget.js';
import { BurstPlanner } from '../../src/schedule/BurstPlanner.js';
import { DutyCycle } from '../../src/schedule/DutyCycle.js';
import { TransmitWindows, type WindowSpec } from '../../src/schedule/TransmitWindows.js';

const T0 = Date.UTC(2026, 0, 1);

function linkTable(): BenchTable {
  const rows: BenchTable['rows'] = [];
  for (const bitrate of [300, 1200, 9600]) {
    const link: LinkParams = { bitrate };
    const ta = turnaroundMs(link);
    rows.push({
      'bit/s': bitrate,
      'frame 256 B ms': frameAirtimeMs(256, link),
      'turnaround ms': ta,
      'turnaround = bytes': (ta / 1000) * (bitrate / 8),
      'bound p=0 B/s': goodputBound(256, 0, link),
      'bound p=0.1 B/s': goodputBound(256, 0.1, link),
      'T* 10 kB p=0.1 s': airtimeBoundMs(10_000, 256, 0.1, link) / 1000,
      'T* 100 kB p=0.1 s': airtimeBoundMs(100_000, 256, 0.1, link) / 1000,
    });
  }
  return {
    title: 'Link arithmetic (256-byte frames, 20 B AX.25 overhead, stuffing 1/62, TXDELAY 300, TXTAIL 50, p-persistence 63 / 100 ms slot)',
    columns: ['bit/s', 'frame 256 B ms', 'turnaround ms', 'turnaround = bytes', 'bound p=0 B/s', 'bound p=0.1 B/s', 'T* 10 kB p=0.1 s', 'T* 100 kB p=0.1 s'],
    rows,
  };
}

function direwolfTable(): BenchTable {
  // docs/radio-facts.md, Dire Wolf "Why is 9600 only twice as fast as 1200" (measured AX.25 goodput)
  const measured = [
    { case: '1200, 128 B frames, window 2', bitrate: 1200, P: 128, loss: 0, goodput: 57 },
    { case: '1200, 256 B frames, window 7', bitrate: 1200, P: 256, loss: 0, goodput: 117 },
    { case: '1200, v2.2, 512 B, window 63', bitrate: 1200, P: 512, loss: 0, goodput: 137 },
    { case: '9600, v2.2', bitrate: 9600, P: 512, loss: 0, goodput: 1066 },
    { case: '9600, 10% loss, SREJ', bitrate: 9600, P: 512, loss: 0.1, goodput: 335 },
  ];
  return {
    title: 'Erasure-channel bound vs Dire Wolf measured AX.25 goodput (frame sizes as in the source where given; 512 B assumed for v2.2)',
    columns: ['case', 'measured B/s', 'bound B/s', 'measured / bound'],
    rows: measured.map((m) => {
      const b = goodputBound(m.P, m.loss, { bitrate: m.bitrate });
      return { case: m.case, 'measured B/s': m.goodput, 'bound B/s': b, 'measured / bound': m.goodput / b };
    }),
  };
}

interface Scenario {
  name: string;
  windows: WindowSpec[];
  dutyPct: number;
  budget: ConstructorParameters<typeof Budget>[0];
  bitrate: number;
}

function simulateDay(s: Scenario): Record<string, string | number> {
  const link: LinkParams = { bitrate: s.bitrate };
  const frame = s.bitrate >= 9600 ? 512 : 256;
  const planner = new BurstPlanner({
    link,
    frameBytes: frame,
    windows: new TransmitWindows(s.windows),
    budget: new Budget(s.budget),
    dutyCycle: new DutyCycle({ capFraction: s.dutyPct / 100, windowMs: 600_000 }),
    maxBurstMs: 20_000,
    beaconIntervalMs: 600_000,
  });
  let t = T0;
  let bytes = 0;
  let air = 0;
  let keyUps = 0;
  const blocks: Record<string, number> = { window: 0, 'duty-cycle': 0, budget: 0 };
  const peers = ['N0CALL-1', 'N0CALL-2'];
  let turn = 0;
  while (t < T0 + DAY_MS) {
    const b = planner.planBeacon(t, 24);
    if (b.ok) {
      const a = burstAirtimeMs([24], link);
      planner.recordBeacon(24, a, t);
      air += a;
      keyUps++;
      t += a + 1000;
      continue;
    }
    const peer = peers[turn++ % peers.length]!;
    const p = planner.plan(t, peer, { wantBytes: Infinity });
    if (!p.ok) {
      blocks[p.reason] = (blocks[p.reason] ?? 0) + 1;
      const other = planner.plan(t, peers[turn % peers.length]!, { wantBytes: Infinity });
      if (other.ok) continue;
      t = Math.min(p.retryAt, other.retryAt, planner.nextBeaconDueAt(t) > t ? planner.nextBeaconDueAt(t) : Infinity, T0 + DAY_MS);
      continue;
    }
    const a = burstAirtimeMs(splitIntoFrames(p.maxBytes, frame), link);
    planner.recordBurst(peer, p.maxBytes, a, t);
    bytes += p.maxBytes;
    air += a;
    keyUps++;
    t += a + turnaroundMs(link) + 1000; // the peer's ack, then a pause
  }
  return {
    scenario: s.name,
    'bit/s': s.bitrate,
    'bytes/day': bytes,
    'airtime s/day': air / 1000,
    'key-ups': keyUps,
    'blocked: window': blocks.window!,
    'blocked: duty': blocks['duty-cycle']!,
    'blocked: budget': blocks.budget!,
  };
}

export async function run(): Promise<BenchReport> {
  const scenarios: Scenario[] = [
    { name: 'no limits', windows: [], dutyPct: 100, budget: {}, bitrate: 1200 },
    { name: 'duty 20% / 10 min', windows: [], dutyPct: 20, budget: {}, bitrate: 1200 },
    { name: '10 min every 2 h, duty 20%', windows: [{ cron: '0 */2 * * *', durationMin: 10 }], dutyPct: 20, budget: {}, bitrate: 1200 },
    {
      name: '10 min / 2 h, duty 20%, 10 kB/h global',
      windows: [{ cron: '0 */2 * * *', durationMin: 10 }],
      dutyPct: 20,
      budget: { global: { bytesPerHour: 10_000 } },
      bitrate: 1200,
    },
    { name: 'airtime 1 h/day, 4 kB/h per peer', windows: [], dutyPct: 50, budget: { global: { airtimeSecPerDay: 3600 }, perPeer: { bytesPerHour: 4000 } }, bitrate: 1200 },
    { name: '10 min every 2 h, duty 20%', windows: [{ cron: '0 */2 * * *', durationMin: 10 }], dutyPct: 20, budget: {}, bitrate: 9600 },
  ];
  const rows = scenarios.map(simulateDay);
  return {
    tables: [
      linkTable(),
      direwolfTable(),
      {
        title: 'Daily capacity under the planner: 24 simulated hours, a queue that never empties, two peers, beacons every 10 min, 20 s bursts',
        columns: ['scenario', 'bit/s', 'bytes/day', 'airtime s/day', 'key-ups', 'blocked: window', 'blocked: duty', 'blocked: budget'],
        rows,
        notes: ['bytes are info-field bytes of radiosync frames; airtime includes TXDELAY/TXTAIL and beacons'],
      },
    ],
  };
}
