/**
 * One radio session, as the `send`, `receive` and `sync` commands run it, over a
 * {@link StationRuntime} on any clock (real for the CLI, virtual in tests).
 *
 * - send: queue what the peers lack (and resume what is already queued for them), wait for their
 *   acknowledgements and repairs; apply nothing. ok = everything sent was acknowledged.
 * - receive: listen, ack and apply; answer sync requests; with `once`, end after the first
 *   complete exchange (and a short linger so a lost final ack can be answered again).
 * - sync: both directions in one session: send and ask the peer for its changes (A sends, then B
 *   sends, as in the blueprint; both ride the same turnarounds).
 */
import type { Clock } from '../clock/Clock.js';
import { sleep } from '../clock/Clock.js';
import type { LinkStats } from '../link/linkEvents.js';
import type { RuntimeCounters, StationRuntime } from './StationRuntime.js';
import { stateCount, verdictFor, type Verdict } from './stateDigest.js';
import type { RepairResult } from './Repair.js';

/**
 * After a `receive --once` has applied and acknowledged, keep answering until the peers have been
 * silent this long: 30 s (a lost final ack is re-asked by the sender's poll, which follows the end
 * of whatever the sender still had queued at its TNC: every frame heard from a peer restarts it).
 * A sender whose receiver answered within ALIVE_MS (60 s, src/link/Sender.ts) polls at most
 * FINAL_ACK_BACKOFF_MS (2 s) plus one ack slot apart (about 5.5 s at 1200 bit/s), so 30 s holds
 * 5 polls: at 30 % loss all of them are lost in about 0.3 % of end games, and each poll heard
 * starts the 30 s again. (20 s, 3 polls, failed a real-time system case at 1200 bit/s and 30 %
 * loss: the three polls were lost, 2.7 % odds.)
 */
export const DEFAULT_LINGER_MS = 30_000;

/** Repair exchanges one `sync` runs when the digests still differ (src/sync/Repair.ts). */
export const MAX_REPAIR_ROUNDS = 2;

export interface SessionEvent {
  kind: 'queued' | 'acknowledged' | 'applied' | 'refused' | 'failed' | 'nothing' | 'heard' | 'digest' | 'repaired';
  peer: string;
  rows?: number;
  bytes?: number;
  detail?: string;
}

export interface SessionOptions {
  timeoutMs: number;
  lingerMs?: number;
  onEvent?: (e: SessionEvent) => void;
}

export interface SessionResult {
  kind: 'send' | 'receive' | 'sync';
  ok: boolean;
  peers: string[];
  durationMs: number;
  sent: { transfers: number; rows: number; bytes: number; acknowledged: number };
  received: { changesets: number; rows: number; conflicts: number; refused: number; files: number; conflictCopies: number };
  /** Transfers the link gave up on (parked) during the session. */
  failed: number;
  /** Per peer: in sync, or differs (rows, files), from this station's digest and the peer's (src/sync/stateDigest.ts). */
  verdicts: Record<string, Verdict>;
  /** Peers heard on air during the session. */
  heard: string[];
  /**
   * Rows this station holds but has not written to the application's tables when the session
   * ended (parked: a parent or a value missing). Above 0, the outcome is not "done" (exit 1).
   */
  waiting?: number;
  /** Repair exchanges run (sync), with their cost. */
  repairs: RepairResult[];
  link: LinkStats;
  /** Frames the station dropped or ignored (foreign, untrusted, not addressed here) and what it applied. */
  counters: RuntimeCounters;
  timedOut: boolean;
}

function waitFor(clock: Clock, rt: StationRuntime, done: () => boolean, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    if (done()) return resolve(true);
    const offs: Array<() => void> = [];
    const finish = (v: boolean) => {
      for (const o of offs) o();
      timer.cancel();
      resolve(v);
    };
    const check = () => {
      if (done()) finish(true);
    };
    const timer = clock.setTimer(timeoutMs, () => finish(false));
    offs.push(rt.on('acknowledged', check), rt.on('applied', check), rt.on('failed', check), rt.on('refused', check), rt.on('heard', check));
    // every runtime event a session's condition reads must be here, or the wait sleeps to its timeout
    offs.push(rt.on('digest', check), rt.on('answered', check), rt.on('files', check), rt.on('repaired', check));
    offs.push(rt.link.on('hello', check), rt.link.on('expired', check));
  });
}

/**
 * Resolve once none of `peers` has been heard for `quietMs`, or after `limitMs` in all (the
 * session's time left: a linger never outlives the session's timeout).
 */
function quiet(rt: StationRuntime, peers: ReadonlySet<string>, quietMs: number, limitMs: number): Promise<void> {
  const clock = rt.clock;
  if (limitMs <= 0) return Promise.resolve();
  return new Promise((resolve) => {
    let timer = clock.setTimer(quietMs, () => done());
    const limit = clock.setTimer(limitMs, () => done());
    const off = rt.on('heard', (e) => {
      if (!peers.has(e.from)) return;
      timer.cancel();
      timer = clock.setTimer(quietMs, () => done());
    });
    function done(): void {
      off();
      timer.cancel();
      limit.cancel();
      resolve();
    }
  });
}

function collect(rt: StationRuntime, result: SessionResult, peers: Set<string>, onEvent?: (e: SessionEvent) => void): () => void {
  const offs = [
    // every changeset sent in the session, including those that answer a peer's sync request
    rt.on('queued', ({ info }) => {
      if (!peers.has('*') && !info.to.some((p) => peers.has(p))) return;
      result.sent.transfers++;
      result.sent.rows += info.rows;
      result.sent.bytes += info.bytes;
      onEvent?.({ kind: 'queued', peer: info.to.join(','), rows: info.rows, bytes: info.bytes });
    }),
    rt.on('acknowledged', (e) => {
      if (!peers.has('*') && !peers.has(e.peer)) return;
      result.sent.acknowledged++;
      onEvent?.({ kind: 'acknowledged', peer: e.peer, rows: e.info.rows, bytes: e.info.bytes });
    }),
    rt.on('applied', (e) => {
      result.received.changesets++;
      result.received.rows += e.result.applied;
      result.received.conflicts += e.result.conflicts;
      onEvent?.({ kind: 'applied', peer: e.from, rows: e.result.applied, detail: e.result.duplicate ? 'duplicate' : '' });
    }),
    rt.on('refused', (e) => {
      result.received.refused++;
      onEvent?.({ kind: 'refused', peer: e.from, detail: `${e.code}: ${e.message}` });
    }),
    rt.on('failed', (e) => {
      if (e.to !== undefined && !peers.has('*') && !peers.has(e.to)) return;
      result.failed++;
      onEvent?.({ kind: 'failed', peer: e.to ?? '', detail: `${e.error.code}: ${e.error.message}` });
    }),
    rt.on('files', (e) => {
      result.received.files += e.report.written.length + e.report.deleted.length;
      result.received.conflictCopies += e.report.conflictCopies.length;
    }),
    rt.on('heard', (e) => {
      if (e.radiosync && !result.heard.includes(e.from) && (peers.has('*') || peers.has(e.from))) result.heard.push(e.from);
    }),
    rt.on('digest', (e) => onEvent?.({ kind: 'digest', peer: e.from, detail: e.inSync ? 'in sync' : 'differs' })),
  ];
  return () => offs.forEach((o) => o());
}

function emptyResult(kind: SessionResult['kind'], peers: string[], rt: StationRuntime): SessionResult {
  return {
    kind,
    ok: false,
    peers,
    durationMs: 0,
    sent: { transfers: 0, rows: 0, bytes: 0, acknowledged: 0 },
    received: { changesets: 0, rows: 0, conflicts: 0, refused: 0, files: 0, conflictCopies: 0 },
    failed: 0,
    verdicts: {},
    heard: [],
    repairs: [],
    link: rt.link.stats,
    counters: { ...rt.counters },
    timedOut: false,
  };
}

/** Outbound transfers still owed to any of `peers`. */
function owedTo(rt: StationRuntime, peers: Set<string>): number {
  return rt.link.pendingOutbound().filter((p) => p.pending.some((s) => peers.has(s))).length;
}

/** Queue what `peers` lack (counted in the result by `collect`, as every queued changeset is). */
async function queueFor(rt: StationRuntime, peers: string[]): Promise<void> {
  await rt.captureFolders();
  rt.sendPending(peers);
}

/** Fill in the verdict for each peer from this station's digest now and the peer's last digest. */
function settle(rt: StationRuntime, result: SessionResult, peers: Iterable<string>): void {
  const mine = stateCount(rt.station, rt.folders);
  for (const p of peers) result.verdicts[p] = verdictFor(rt.station, p, mine);
  result.waiting = rt.station.records.parkedCount();
  result.link = rt.link.stats;
  result.counters = { ...rt.counters };
}

const allInSync = (r: SessionResult, peers: Iterable<string>): boolean => [...peers].every((p) => r.verdicts[p]?.state === 'in sync');

/**
 * Wait until each peer has sent a digest since `since` (receipts carry one; otherwise ask with
 * HELLO D, repeated with back-off), within `left` ms.
 */
async function awaitDigests(rt: StationRuntime, peers: string[], heardDigest: Set<string>, left: number): Promise<void> {
  const missing = peers.filter((p) => !heardDigest.has(p));
  if (missing.length === 0 || left <= 0) return;
  const until = rt.clock.now() + left;
  for (const p of missing) rt.askDigest(p, until);
  await waitFor(rt.clock, rt, () => peers.every((p) => heardDigest.has(p)), left);
}

/**
 * The peers whose digest was heard in the session (`heard`), and those whose last digest came
 * before the last changeset of theirs that this station applied (`stale`).
 */
function digestTracker(rt: StationRuntime, peers: Set<string>): { heard: Set<string>; stale: Set<string>; off: () => void } {
  const heard = new Set<string>();
  const stale = new Set<string>();
  const tracked = (p: string) => peers.has('*') || peers.has(p);
  const offs = [
    rt.on('digest', (e) => {
      if (!tracked(e.from)) return;
      heard.add(e.from);
      stale.delete(e.from);
    }),
    rt.on('applied', (e) => {
      if (tracked(e.from)) stale.add(e.from);
    }),
  ];
  return { heard, stale, off: () => offs.forEach((o) => o()) };
}

export async function sendSession(rt: StationRuntime, to: string[], opts: SessionOptions): Promise<SessionResult> {
  const clock = rt.clock;
  const start = clock.now();
  const peers = new Set(to);
  const result = emptyResult('send', to, rt);
  const stop = collect(rt, result, peers, opts.onEvent);
  const digests = digestTracker(rt, peers);
  let gaveUp = false;
  const offFail = rt.on('failed', (e) => {
    if (e.queued && (e.to === undefined || peers.has(e.to))) gaveUp = true;
  });
  try {
    await queueFor(rt, to);
    // our digest goes along, so a receiver can judge "in sync" even if our last frame is lost after we leave
    for (const p of to) rt.tellDigest(p);
    // and again when a peer acknowledges the changeset: the first tell may have been lost
    const offAck = rt.on('acknowledged', (e) => {
      if (peers.has(e.peer)) rt.tellDigest(e.peer);
    });
    const finished = await waitFor(clock, rt, () => owedTo(rt, peers) === 0 || gaveUp, opts.timeoutMs);
    offAck();
    const left = () => Math.max(0, opts.timeoutMs - (clock.now() - start));
    if (owedTo(rt, peers) === 0) {
      await awaitDigests(rt, to, digests.heard, left());
      // stay while the receiver still asks for our digest (it asks until it has one), so that it
      // can judge "in sync" from both digests
      await quiet(rt, peers, opts.lingerMs ?? DEFAULT_LINGER_MS, left());
    }
    result.timedOut = !finished;
    settle(rt, result, to);
    result.ok = owedTo(rt, peers) === 0 && allInSync(result, to);
  } finally {
    stop();
    offFail();
    digests.off();
  }
  result.durationMs = clock.now() - start;
  return result;
}

export async function receiveSession(rt: StationRuntime, opts: SessionOptions & { once?: boolean }): Promise<SessionResult> {
  const clock = rt.clock;
  const start = clock.now();
  const result = emptyResult('receive', [], rt);
  const heardFrom = new Set<string>();
  const stop = collect(rt, result, new Set(['*']), opts.onEvent);
  const digests = digestTracker(rt, new Set(['*']));
  const offA = rt.on('applied', (e) => heardFrom.add(e.from));
  const offR = rt.on('refused', (e) => heardFrom.add(e.from));
  try {
    if (opts.once) {
      // the first complete exchange: something applied (or refused) and our replies acknowledged
      const got = await waitFor(clock, rt, () => result.received.changesets + result.received.refused > 0, opts.timeoutMs);
      result.timedOut = !got;
      if (got) {
        const peers = new Set(heardFrom);
        const left = () => Math.max(0, opts.timeoutMs - (clock.now() - start));
        await waitFor(clock, rt, () => owedTo(rt, peers) === 0, left());
        await awaitDigests(rt, [...peers], digests.heard, left());
        await quiet(rt, peers, opts.lingerMs ?? DEFAULT_LINGER_MS, left());
      }
      result.peers = [...heardFrom];
      settle(rt, result, heardFrom);
      result.ok = got && result.received.refused === 0 && result.failed === 0 && allInSync(result, heardFrom);
    } else {
      await sleep(clock, opts.timeoutMs);
      result.peers = [...heardFrom];
      settle(rt, result, heardFrom);
      result.ok = result.received.refused === 0 && result.failed === 0 && allInSync(result, heardFrom);
    }
  } finally {
    stop();
    digests.off();
    offA();
    offR();
  }
  result.durationMs = clock.now() - start;
  return result;
}

export async function syncSession(rt: StationRuntime, peer: string, opts: SessionOptions): Promise<SessionResult> {
  const clock = rt.clock;
  const start = clock.now();
  const peers = new Set([peer]);
  const result = emptyResult('sync', [peer], rt);
  const stop = collect(rt, result, peers, opts.onEvent);
  const digests = digestTracker(rt, peers);
  let answered = false;
  const offAnswered = rt.on('answered', (e) => {
    if (e.from !== peer) return;
    answered = true;
    if (result.received.changesets === 0) opts.onEvent?.({ kind: 'nothing', peer });
  });
  try {
    // queue first: the sync request says whether anything of ours is on its way (the idle flag)
    await queueFor(rt, [peer]);
    rt.requestSync(peer, start + opts.timeoutMs);
    const finished = await waitFor(clock, rt, () => answered && owedTo(rt, peers) === 0 && !rt.expecting(peer), opts.timeoutMs);
    const left = () => opts.timeoutMs - (clock.now() - start);
    if (finished) await awaitDigests(rt, [peer], digests.heard, left());
    settle(rt, result, [peer]);
    // a digest that differs but predates the peer's changeset we applied may be stale (the changeset
    // can hold what the peer captured after it: files are scanned when it answers our request); ask
    // for a fresh one before judging, or a repair would run for nothing. One that agrees stands.
    if (finished && result.verdicts[peer]?.state === 'differs' && digests.stale.has(peer)) {
      digests.heard.delete(peer);
      await awaitDigests(rt, [peer], digests.heard, left());
      settle(rt, result, [peer]);
    }
    // the digests still differ with nothing left to send by the vectors: find what differs, and send it
    for (let round = 0; finished && round < MAX_REPAIR_ROUNDS && result.verdicts[peer]?.state === 'differs' && left() > 0; round++) {
      let done = false;
      const off = rt.on('repaired', (e) => {
        if (e.peer !== peer) return;
        done = true;
        result.repairs.push(e.result);
        opts.onEvent?.({ kind: 'repaired', peer, rows: e.result.rows, detail: `${e.result.files} files, ${e.result.bytes} B` });
      });
      try {
        if (!rt.startRepair(peer)) break;
        digests.heard.delete(peer);
        if (!(await waitFor(clock, rt, () => done, left()))) break;
        await waitFor(clock, rt, () => owedTo(rt, peers) === 0 && !rt.expecting(peer), left());
        await awaitDigests(rt, [peer], digests.heard, left());
      } finally {
        off();
      }
      settle(rt, result, [peer]);
    }
    // we applied the peer's changes: our final ack must reach it (and be sent again if it asks),
    // so stay until it has been quiet for the linger, as `receive --once` does
    if (finished && result.received.changesets > 0) await quiet(rt, peers, opts.lingerMs ?? DEFAULT_LINGER_MS, left());
    result.timedOut = !finished || left() <= 0;
    result.ok = finished && result.received.refused === 0 && result.failed === 0 && allInSync(result, [peer]);
  } finally {
    stop();
    digests.off();
    offAnswered();
  }
  result.durationMs = clock.now() - start;
  return result;
}
