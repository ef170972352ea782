/**
 * Byte and airtime budgets over rolling windows of one hour and one day, global and per peer.
 *
 * Spending is kept in buckets of {@link BUDGET_BUCKET_MS}. A bucket counts toward a window for as
 * long as ANY part of it lies inside the window, so the check is conservative: the true spend in
 * every rolling hour/day is never above the limit (a spend may be held back up to one bucket longer
 * than strictly needed). State is a plain JSON-serialisable object ({@link BudgetState}) that the
 * daemon persists (in SQLite) and restores with {@link Budget.fromState}.
 *
 * Pure: every method takes `now` (ms since the epoch); nothing reads the wall clock.
 */
import { makeError } from '../errors/RadiosyncError.js';
import { SCHEDULE_ERRORS } from './errors.js';

/** One hour in ms. */
export const HOUR_MS = 3_600_000;
/** One day in ms. */
export const DAY_MS = 86_400_000;
/**
 * Bucket width in ms: 60 000 (one minute). Bounds the state to at most 1 440 buckets per key per day
 * and the over-holding to one minute; a daemon that sends in bursts touches only a few buckets.
 */
export const BUDGET_BUCKET_MS = 60_000;
/**
 * Most peers tracked at once: 1 024. A peer with nothing spent in the last day is dropped anyway;
 * past the bound the peer idle longest is dropped, so a flood of callsigns cannot grow the state.
 */
export const MAX_BUDGET_PEERS = 1024;
/** Version of {@link BudgetState}. */
export const BUDGET_STATE_VERSION = 1;

/** Limits for one scope. A missing or 0 value means unlimited. */
export interface BudgetLimits {
  bytesPerHour?: number;
  bytesPerDay?: number;
  airtimeSecPerHour?: number;
  airtimeSecPerDay?: number;
}

export interface BudgetConfig {
  /** Across all peers (beacons and broadcasts included). */
  global?: BudgetLimits;
  /** Default limits for each peer. */
  perPeer?: BudgetLimits;
  /** Per-callsign overrides of `perPeer` (keys as formatted callsigns, e.g. "N0CALL-7"). */
  peers?: Record<string, BudgetLimits>;
}

/** [bucket start ms, bytes, airtime ms] */
export type BudgetBucket = [number, number, number];

export interface BudgetState {
  version: number;
  bucketMs: number;
  global: BudgetBucket[];
  peers: Record<string, BudgetBucket[]>;
}

export type BudgetMetric = 'bytes' | 'airtime';
export type BudgetWindow = 'hour' | 'day';

export interface BudgetDenial {
  scope: 'global' | 'peer';
  peer?: string;
  metric: BudgetMetric;
  window: BudgetWindow;
  /** The limit (bytes, or airtime ms). */
  limit: number;
  /** Already spent in the window (same unit). */
  used: number;
  /** Earliest time the request would fit (Infinity when it can never fit: it is larger than the limit). */
  retryAt: number;
}

export type SpendCheck = { ok: true } | { ok: false; denial: BudgetDenial };

/** What is left, per window; Infinity where unlimited (JSON turns it into null). */
export interface BudgetRemaining {
  bytesHour: number;
  bytesDay: number;
  airtimeMsHour: number;
  airtimeMsDay: number;
}

interface Rule {
  metric: BudgetMetric;
  window: BudgetWindow;
  limit: number; // bytes or ms
}

function rules(l: BudgetLimits | undefined): Rule[] {
  if (!l) return [];
  const out: Rule[] = [];
  if (l.bytesPerHour) out.push({ metric: 'bytes', window: 'hour', limit: l.bytesPerHour });
  if (l.bytesPerDay) out.push({ metric: 'bytes', window: 'day', limit: l.bytesPerDay });
  if (l.airtimeSecPerHour) out.push({ metric: 'airtime', window: 'hour', limit: l.airtimeSecPerHour * 1000 });
  if (l.airtimeSecPerDay) out.push({ metric: 'airtime', window: 'day', limit: l.airtimeSecPerDay * 1000 });
  return out;
}

const windowMs = (w: BudgetWindow): number => (w === 'hour' ? HOUR_MS : DAY_MS);

export class Budget {
  private readonly cfg: BudgetConfig;
  private readonly bucketMs: number;
  private global: BudgetBucket[] = [];
  private peers = new Map<string, BudgetBucket[]>();

  constructor(cfg: BudgetConfig = {}, opts: { bucketMs?: number } = {}) {
    this.cfg = cfg;
    this.bucketMs = opts.bucketMs ?? BUDGET_BUCKET_MS;
  }

  /** Rebuild a budget from persisted state (buckets of another width are rejected). */
  static fromState(cfg: BudgetConfig, state: BudgetState): Budget {
    if (state.version !== BUDGET_STATE_VERSION) {
      throw makeError(SCHEDULE_ERRORS, 'RS_ERR_BUDGET_STATE_UNSUPPORTED', `the saved budget state is version ${state.version}; this radiosync reads version ${BUDGET_STATE_VERSION}`, {
        version: state.version,
        supported: BUDGET_STATE_VERSION,
      });
    }
    const b = new Budget(cfg, { bucketMs: state.bucketMs });
    b.global = state.global.map((x) => [x[0], x[1], x[2]]);
    for (const [peer, list] of Object.entries(state.peers)) b.peers.set(peer, list.map((x) => [x[0], x[1], x[2]]));
    return b;
  }

  /** The state as a plain object, after dropping buckets older than a day. */
  toState(now?: number): BudgetState {
    if (now !== undefined) this.prune(now);
    const peers: Record<string, BudgetBucket[]> = {};
    for (const [k, v] of this.peers) peers[k] = v.map((x) => [x[0], x[1], x[2]]);
    return { version: BUDGET_STATE_VERSION, bucketMs: this.bucketMs, global: this.global.map((x) => [x[0], x[1], x[2]]), peers };
  }

  /** The limits that apply to `peer`. */
  peerLimits(peer: string): BudgetLimits | undefined {
    return this.cfg.peers?.[peer] ?? this.cfg.perPeer;
  }

  /** Whether spending `bytes` and `airtimeMs` now (to `peer`, or to no one in particular) stays within every limit. */
  canSpend(peer: string | null, bytes: number, airtimeMs: number, now: number): SpendCheck {
    const g = this.check('global', undefined, this.global, rules(this.cfg.global), bytes, airtimeMs, now);
    if (g) return { ok: false, denial: g };
    if (peer !== null) {
      const p = this.check('peer', peer, this.peers.get(peer) ?? [], rules(this.peerLimits(peer)), bytes, airtimeMs, now);
      if (p) return { ok: false, denial: p };
    }
    return { ok: true };
  }

  /** Record a spend at `now`. Recording is unconditional (what went on air went on air). */
  record(peer: string | null, bytes: number, airtimeMs: number, now: number): void {
    this.add(this.global, bytes, airtimeMs, now);
    if (peer !== null) {
      let list = this.peers.get(peer);
      if (!list) {
        list = [];
        this.peers.set(peer, list);
      }
      this.add(list, bytes, airtimeMs, now);
      // move to the back: Map order = least recently used first
      this.peers.delete(peer);
      this.peers.set(peer, list);
      if (this.peers.size > MAX_BUDGET_PEERS) this.prune(now);
      while (this.peers.size > MAX_BUDGET_PEERS) this.peers.delete(this.peers.keys().next().value as string);
    }
  }

  /** What is left now, globally or for one peer (the smaller of the peer's and the global limit). */
  remaining(now: number, peer?: string): BudgetRemaining {
    const g = this.remainingFor(this.global, this.cfg.global, now);
    if (peer === undefined) return g;
    const p = this.remainingFor(this.peers.get(peer) ?? [], this.peerLimits(peer), now);
    return {
      bytesHour: Math.min(g.bytesHour, p.bytesHour),
      bytesDay: Math.min(g.bytesDay, p.bytesDay),
      airtimeMsHour: Math.min(g.airtimeMsHour, p.airtimeMsHour),
      airtimeMsDay: Math.min(g.airtimeMsDay, p.airtimeMsDay),
    };
  }

  /** Spent in the window ending at `now` (conservative, bucketed), globally or for one peer. */
  used(now: number, window: BudgetWindow, peer?: string): { bytes: number; airtimeMs: number } {
    const list = peer === undefined ? this.global : this.peers.get(peer) ?? [];
    return {
      bytes: this.sum(list, 'bytes', windowMs(window), now),
      airtimeMs: this.sum(list, 'airtime', windowMs(window), now),
    };
  }

  /** Drop buckets that no window can see any more. */
  prune(now: number): void {
    const keep = (b: BudgetBucket): boolean => b[0] + this.bucketMs > now - DAY_MS;
    this.global = this.global.filter(keep);
    for (const [k, v] of this.peers) {
      const kept = v.filter(keep);
      if (kept.length === 0) this.peers.delete(k);
      else this.peers.set(k, kept);
    }
  }

  private remainingFor(list: BudgetBucket[], limits: BudgetLimits | undefined, now: number): BudgetRemaining {
    const r: BudgetRemaining = {
      bytesHour: Infinity,
      bytesDay: Infinity,
      airtimeMsHour: Infinity,
      airtimeMsDay: Infinity,
    };
    for (const rule of rules(limits)) {
      const left = Math.max(0, rule.limit - this.sum(list, rule.metric, windowMs(rule.window), now));
      if (rule.metric === 'bytes') r[rule.window === 'hour' ? 'bytesHour' : 'bytesDay'] = left;
      else r[rule.window === 'hour' ? 'airtimeMsHour' : 'airtimeMsDay'] = left;
    }
    return r;
  }

  private inWindow(b: BudgetBucket, wMs: number, now: number): boolean {
    return b[0] + this.bucketMs > now - wMs && b[0] <= now;
  }

  private sum(list: BudgetBucket[], metric: BudgetMetric, wMs: number, now: number): number {
    let s = 0;
    const i = metric === 'bytes' ? 1 : 2;
    for (const b of list) if (this.inWindow(b, wMs, now)) s += b[i];
    return s;
  }

  private check(
    scope: 'global' | 'peer',
    peer: string | undefined,
    list: BudgetBucket[],
    rs: Rule[],
    bytes: number,
    airtimeMs: number,
    now: number,
  ): BudgetDenial | undefined {
    for (const r of rs) {
      const want = r.metric === 'bytes' ? bytes : airtimeMs;
      const wMs = windowMs(r.window);
      const used = this.sum(list, r.metric, wMs, now);
      if (used + want <= r.limit) continue;
      const d: BudgetDenial = { scope, metric: r.metric, window: r.window, limit: r.limit, used, retryAt: Infinity };
      if (peer !== undefined) d.peer = peer;
      if (want <= r.limit) {
        // walk buckets oldest first: each leaves the window at start + bucket + window
        const i = r.metric === 'bytes' ? 1 : 2;
        let u = used;
        const inside = list.filter((b) => this.inWindow(b, wMs, now)).sort((a, b) => a[0] - b[0]);
        for (const b of inside) {
          u -= b[i];
          if (u + want <= r.limit) {
            d.retryAt = b[0] + this.bucketMs + wMs;
            break;
          }
        }
      }
      return d;
    }
    return undefined;
  }

  private add(list: BudgetBucket[], bytes: number, airtimeMs: number, now: number): void {
    const start = Math.floor(now / this.bucketMs) * this.bucketMs;
    const last = list[list.length - 1];
    // a clock step backwards lands in the newest bucket: it then counts longer, which stays safe
    if (last && last[0] >= start) {
      last[1] += bytes;
      last[2] += airtimeMs;
      return;
    }
    list.push([start, bytes, airtimeMs]);
    if (list.length > DAY_MS / this.bucketMs + 2) list.shift();
  }
}
