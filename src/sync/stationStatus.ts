/** Everything `radiosync status` shows, as data. */
import type { TransferQueue } from '../link/TransferQueue.js';
import { bitmapGet } from '../link/TransferQueue.js';
import { plannerFromConfig } from '../schedule/fromConfig.js';
import type { PlannerState } from '../schedule/BurstPlanner.js';
import type { BudgetRemaining } from '../schedule/Budget.js';
import { etaMs, goodputBound } from '../radio/airtime.js';
import { linkFromConfig } from '../schedule/fromConfig.js';
import { peerList, type PeerStatus } from '../station/peerList.js';
import type { SessionRecord } from '../store/StationLog.js';
import type { Station } from '../station/Station.js';
import type { RefusedRun } from '../store/originRuns.js';
import { rowCounts } from '../store/rowCounts.js';
import type { FileProblem } from '../files/RowSyncState.js';
import type { OutboundInfo } from './StationRuntime.js';
import type { FolderSync } from './FolderSync.js';
import { stateCount, verdictFor, type Verdict } from './stateDigest.js';

export const PLANNER_STATE_KEY = 'planner';

export interface QueueEntry {
  transferId: number;
  to: string[];
  bytes: number;
  rows: number | null;
  /** Share of the payload acknowledged in complete blocks (a block counts only once complete). */
  percentAcked: number;
  blocksAcked: number;
  blocks: number;
  /** Share of the payload's shards sent at least once (with repairs, sending can pass 100 % before acks). */
  percentSent: number;
  priority: number;
  ageMs: number;
  /** Time on air to finish at the link's loss-free goodput bound. */
  etaMs: number;
  expiresAt: number | null;
}

export interface StationStatus {
  callsign: string;
  home: string;
  records: {
    tables: string[]; rows: number; logEntries: number; conflicts: number; parked: number;
    /** Rows parked (missing parent, a value that does not fit its column…), with the reason: the first 20. */
    parkedRows: Array<{ table: string; id: string; reason: string }>;
    /** Runs of changes refused on arrival, newest first (the last 20), with their error code. */
    refused: RefusedRun[];
  };
  /** File entries that could not be applied, with their error (newest 20). */
  fileProblems: FileProblem[];
  queue: QueueEntry[];
  budget: BudgetRemaining;
  window: { open: boolean; until: number | null; next: number | null };
  peers: PeerStatus[];
  dropped: Record<string, number>;
  counters: Record<string, number>;
  sessions: SessionRecord[];
  /** Per peer: in sync or differs, from this station's digest now and the peer's last (src/sync/stateDigest.ts). */
  verdicts: Record<string, Verdict>;
}

export function stationStatus(st: Station, queue?: TransferQueue, folders?: FolderSync): StationStatus {
  const now = st.clock.now();
  const cfg = st.config;
  const planner = plannerFromConfig(cfg, st.log.getJson<PlannerState>(PLANNER_STATE_KEY));
  const rate = goodputBound(cfg.radio.frame_bytes, 0, linkFromConfig(cfg.radio));
  const cur = planner.windows.current(now);
  const next = planner.windows.nextWindow(now);
  const noWindows = cfg.schedule.window.length === 0;
  const tables = st.records.tables().map((t) => t.name);
  const { rows, logEntries } = rowCounts(st.records);
  const queueEntries: QueueEntry[] = (queue?.listOutbound() ?? []).map((r) => {
    const blocks = Math.max(1, Math.ceil(r.size / (r.shardSize * r.k)));
    let done = 0;
    for (const rc of r.receivers) {
      if (rc.done) done += blocks;
      else for (let b = 0; b < blocks; b++) if (bitmapGet(rc.completeBlocks, b)) done++;
    }
    const frac = done / (blocks * Math.max(1, r.receivers.length));
    let sent = 0;
    for (let b = 0; b < blocks; b++) sent += Math.min(1, (r.nextShard.get(b) ?? 0) / r.k);
    const info = st.log.getJson<OutboundInfo | null>(`tx:${r.id}`);
    return {
      transferId: r.id,
      to: r.to,
      bytes: r.size,
      rows: info?.rows ?? null,
      percentAcked: 100 * frac,
      blocksAcked: Math.round(done / Math.max(1, r.receivers.length)),
      blocks,
      percentSent: (100 * sent) / blocks,
      priority: r.priority,
      ageMs: now - r.createdAt,
      etaMs: etaMs(r.size * (1 - frac), rate),
      expiresAt: r.expiresAt,
    };
  });
  const counters = st.log.counters();
  const dropped = Object.fromEntries(Object.entries(counters).filter(([k]) => k.startsWith('dropped.')).map(([k, v]) => [k.slice(8), v]));
  const peers = peerList(st);
  const mine = stateCount(st, folders);
  return {
    callsign: st.callsign,
    home: st.layout.home,
    records: (() => {
      const parked = st.records.parked();
      return { tables, rows, logEntries, conflicts: st.records.conflictCount(), parked: parked.length, parkedRows: parked.slice(0, 20), refused: st.records.refused(20) };
    })(),
    fileProblems: folders?.problems(20) ?? [],
    queue: queueEntries,
    budget: planner.budget.remaining(now),
    window: noWindows ? { open: true, until: null, next: null } : { open: cur !== undefined, until: cur?.end ?? null, next: next?.start ?? null },
    peers,
    dropped,
    counters,
    sessions: st.log.sessions(10),
    verdicts: Object.fromEntries(peers.map((p) => [p.callsign, verdictFor(st, p.callsign, mine)])),
  };
}
