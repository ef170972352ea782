/**
 * Runs of changes per origin, as they arrive and as they leave (docs/protocol.md §3.4).
 *
 * Arriving: a changeset's changes are split by origin. Each origin's run is checked on its own
 * and, if it fails, refused on its own (recorded in `radiosync_refused`, shown in `status`) while
 * every other run of the changeset is applied:
 * - a run claiming this station's own origin is refused unless it carries this station's own origin
 *   signature over a chain that continues the one held here (our changes, held by a peer, coming
 *   back after a restore from an old backup); a forgery never verifies;
 * - every change must pass {@link validateChange};
 * - with origin signatures on (the Station sets them): the seqs are consecutive, the run starts at
 *   or before the seq after what this station holds of that origin, the hash chain recomputed from
 *   the held chain head matches every change already held (no fork), and the origin's signature
 *   over the new head verifies with the origin's key. An origin without a known key is refused:
 *   nobody can tell its genuine changes from a trusted peer's forgery, and once a forged seq is
 *   held the genuine one can never be applied.
 *
 * Leaving: {@link signRuns} gives each origin's run its signature (this station signs its own;
 * another origin's run is cut back, or extended, to a seq whose signature this station holds).
 */
import type { RowChange, StationId } from '../changeset/Changeset.js';
import { MAX_HLC as MAX_HLC_VALUE, MAX_SEQ } from '../changeset/Changeset.js';
import { makeError, isRadiosyncError } from '../errors/RadiosyncError.js';
import { STORE_ERRORS, type StoreErrorCode } from './errors.js';
import { heldFromLog, stmt, type StoreContext } from './StoreContext.js';
import { CHAIN_ZERO, chainStep } from './chain.js';
import { compactContext } from './vv.js';
import { isFieldValue } from './values.js';
import { MAX_REFUSED_KEPT } from './schema.js';

const ORIGIN_RE = /^[A-Z0-9][A-Z0-9/-]{0,15}$/i;

export interface RefusedRun {
  sender: StationId;
  origin: StationId;
  firstSeq: number | null;
  lastSeq: number | null;
  rows: number;
  code: StoreErrorCode;
  message: string;
  at: number;
}

function bad(message: string, data: Record<string, unknown>): Error {
  return makeError(STORE_ERRORS, 'RS_ERR_STORE_BAD_CHANGE', message, data);
}

/** Validate one change: every value within its documented range (Changeset.ts). */
export function validateChange(c: RowChange, i: number): void {
  const where = { index: i, table: c?.table, origin: c?.origin, seq: c?.seq };
  if (typeof c !== 'object' || c === null) throw bad(`change ${i} is not an object`, where);
  if (typeof c.table !== 'string' || c.table.length === 0) throw bad(`change ${i}: bad table`, where);
  if (!(c.id instanceof Uint8Array) || c.id.byteLength !== 16) throw bad(`change ${i}: id is not 16 bytes`, where);
  if (typeof c.origin !== 'string' || !ORIGIN_RE.test(c.origin)) throw bad(`change ${i}: bad origin`, where);
  if (!Number.isSafeInteger(c.seq) || c.seq < 1 || c.seq > MAX_SEQ) throw bad(`change ${i}: seq outside 1 … 2^48 − 1`, where);
  if (typeof c.hlc !== 'bigint' || c.hlc < 0n || c.hlc > MAX_HLC_VALUE) throw bad(`change ${i}: hlc outside 0 … MAX_HLC`, where);
  if (c.kind !== 'upsert' && c.kind !== 'delete') throw bad(`change ${i}: bad kind`, where);
  if (typeof c.fields !== 'object' || c.fields === null) throw bad(`change ${i}: bad fields`, where);
  for (const [k, v] of Object.entries(c.fields)) {
    if (k.length === 0 || !isFieldValue(v)) throw bad(`change ${i}: bad value for field ${k}`, where);
  }
  if (c.ctx !== undefined) {
    if (typeof c.ctx !== 'object' || c.ctx === null) throw bad(`change ${i}: bad ctx`, where);
    for (const [k, v] of Object.entries(c.ctx)) {
      if (!ORIGIN_RE.test(k) || !Number.isSafeInteger(v) || v < 0 || v > MAX_SEQ) throw bad(`change ${i}: bad ctx`, where);
    }
  }
}

interface LogChainRow {
  n: bigint;
  origin: string;
  seq: bigint;
  tbl: string;
  id: Uint8Array;
  hlc: bigint;
  wire_hlc: bigint | null;
  kind: string;
  fields: Uint8Array | null;
  ctx: string | null;
  chain: Uint8Array | null;
  kept: bigint;
}

/** A log row as it goes on the wire: the origin's own stamp, the compact ctx, no fields on a delete. */
export function logRowToChange(r: LogChainRow | Omit<LogChainRow, 'chain' | 'kept'>): RowChange {
  const h = heldFromLog(r);
  const c: RowChange = {
    table: r.tbl,
    id: new Uint8Array(r.id),
    origin: h.origin,
    seq: h.seq,
    hlc: r.wire_hlc ?? h.hlc,
    kind: h.kind,
    fields: h.kind === 'upsert' ? h.fields : {},
  };
  const compact = compactContext(h.ctx, h.origin);
  if (compact !== undefined) c.ctx = compact;
  return c;
}

export const LOG_COLUMNS = 'n, origin, seq, tbl, id, hlc, wire_hlc, kind, fields, ctx, chain, kept';

/**
 * The origin's chain head at `seq` (H(0) = zeros), filling in heads not yet computed (local
 * changes get theirs lazily, here, or only at the heads of the runs sent, ownHead). Undefined when a change of 1 … seq is missing.
 */
export function chainAt(ctx: StoreContext, origin: StationId, seq: number): Uint8Array | undefined {
  if (seq <= 0) return CHAIN_ZERO;
  const at = stmt(ctx, 'SELECT chain FROM radiosync_log WHERE origin = ? AND seq = ?').get(origin, seq) as { chain: Uint8Array | null } | undefined;
  if (at === undefined) return undefined;
  if (at.chain !== null) return new Uint8Array(at.chain);
  const base = stmt(ctx, 'SELECT seq, chain FROM radiosync_log WHERE origin = ? AND seq < ? AND chain IS NOT NULL ORDER BY seq DESC LIMIT 1').get(origin, seq) as
    | { seq: number; chain: Uint8Array }
    | undefined;
  let prev: Uint8Array = base === undefined ? CHAIN_ZERO : new Uint8Array(base.chain);
  let expect = (base?.seq ?? 0) + 1;
  const rows = stmt(ctx, `SELECT ${LOG_COLUMNS} FROM radiosync_log WHERE origin = ? AND seq >= ? AND seq <= ? ORDER BY seq`, true).all(origin, expect, seq) as LogChainRow[];
  const put = stmt(ctx, 'UPDATE radiosync_log SET chain = ? WHERE origin = ? AND seq = ?');
  for (const r of rows) {
    if (Number(r.seq) !== expect || r.kept === 0n) return undefined;
    prev = chainStep(prev, logRowToChange(r));
    put.run(Buffer.from(prev), origin, expect);
    expect++;
  }
  return expect === seq + 1 ? prev : undefined;
}

/**
 * This station's chain head at the end of `run` (its own rows, consecutive seqs), computed from
 * the rows in hand rather than read back from the log: only the head is stored (chainAt computes
 * any head between two stored ones from the nearest stored one before it).
 */
function ownHead(ctx: StoreContext, run: LogChainRow[], toChange: (r: LogChainRow) => RowChange): Uint8Array | undefined {
  const last = run[run.length - 1]!;
  if (last.chain !== null) return new Uint8Array(last.chain);
  const origin = ctx.station;
  let prev = chainAt(ctx, origin, Number(run[0]!.seq) - 1);
  if (prev === undefined) return undefined;
  for (const r of run) prev = r.chain !== null ? new Uint8Array(r.chain) : chainStep(prev, toChange(r));
  stmt(ctx, 'UPDATE radiosync_log SET chain = ? WHERE origin = ? AND seq = ?').run(Buffer.from(prev), origin, last.seq);
  return prev;
}

/** `ahead`: the run starts after a gap (it may connect later, waitingRuns.ts). */
export type RunCheck = { ok: true; chains?: Uint8Array[] } | { ok: false; code: StoreErrorCode; message: string; ahead?: boolean };

function refuse(code: StoreErrorCode, message: string, ahead?: boolean): RunCheck {
  return ahead ? { ok: false, code, message, ahead } : { ok: false, code, message };
}

export function saveOriginSig(ctx: StoreContext, origin: StationId, seq: number, sig: Uint8Array): void {
  stmt(ctx, 'INSERT OR IGNORE INTO radiosync_origin_sig(origin, seq, sig) VALUES (?, ?, ?)').run(origin, seq, Buffer.from(sig));
}

/** Check one origin's run (its changes in changeset order). */
export function checkRun(ctx: StoreContext, origin: StationId, run: RowChange[], sig: Uint8Array | undefined): RunCheck {
  const r = checkRunInner(ctx, origin, run, sig);
  // a run claiming our own origin that is not provably ours is refused as such, whatever else is
  // wrong with it, and never kept waiting for a gap to close (only we make our own seqs)
  if (!r.ok && origin === ctx.station) return refuse('RS_ERR_STORE_OWN_ORIGIN', `${run.length} change(s) claim to come from this station (${origin}) but are not its own, signed, in its chain: ${r.message}`);
  return r;
}

function checkRunInner(ctx: StoreContext, origin: StationId, run: RowChange[], sig: Uint8Array | undefined): RunCheck {
  const own = origin === ctx.station;
  const ownRefused = () => refuse('RS_ERR_STORE_OWN_ORIGIN', `${run.length} change(s) claim to come from this station (${origin}) without its own signature; only it makes its own changes`);
  // our own changes come back only from a peer that holds them (we were restored from an old
  // backup): signed by our own key, in a chain that continues ours
  if (own && ctx.origins === undefined) return ownRefused();
  for (const [i, c] of run.entries()) {
    try {
      validateChange(c, i);
    } catch (e) {
      if (!isRadiosyncError(e)) throw e;
      return refuse('RS_ERR_STORE_BAD_CHANGE', e.message);
    }
  }
  const auth = ctx.origins;
  if (auth === undefined) return { ok: true };
  for (let i = 1; i < run.length; i++) {
    if (run[i]!.seq !== run[i - 1]!.seq + 1) return refuse('RS_ERR_STORE_ORIGIN_GAP', `${origin} seqs are not consecutive (${run[i - 1]!.seq} then ${run[i]!.seq})`);
  }
  const first = run[0]!.seq;
  const last = run[run.length - 1]!.seq;
  const held = (stmt(ctx, 'SELECT upto FROM radiosync_vv WHERE origin = ?').get(origin) as { upto: number } | undefined)?.upto ?? 0;
  if (first - 1 > held) return refuse('RS_ERR_STORE_ORIGIN_GAP', `${origin} changes start at seq ${first} but this station holds only up to ${held}`, true);
  let prev = chainAt(ctx, origin, first - 1);
  if (prev === undefined) return refuse('RS_ERR_STORE_ORIGIN_GAP', `${origin}: the chain before seq ${first} is not held here`);
  const chains: Uint8Array[] = [];
  for (const c of run) {
    prev = chainStep(prev, c);
    chains.push(prev);
    if (c.seq <= held) {
      const mine = chainAt(ctx, origin, c.seq);
      if (mine !== undefined && Buffer.compare(mine, prev) !== 0) {
        return refuse('RS_ERR_STORE_ORIGIN_GAP', `${origin} seq ${c.seq} differs from the change held here (a fork or a forgery)`);
      }
    }
  }
  if (sig === undefined) return own ? ownRefused() : refuse('RS_ERR_STORE_ORIGIN_UNSIGNED', `${origin} changes ${first}–${last} carry no signature by ${origin}`);
  const v = auth.verify(origin, last, prev, sig);
  if (own && v !== 'ok') return ownRefused();
  if (v === 'unknown') return refuse('RS_ERR_STORE_ORIGIN_UNSIGNED', `no key for origin ${origin}: its changes ${first}–${last} cannot be verified (add it with \`radiosync peer add ${origin} --key …\`)`);
  if (v === 'bad') return refuse('RS_ERR_STORE_ORIGIN_UNSIGNED', `${origin} changes ${first}–${last}: the origin signature does not verify (forged, altered or reordered)`);
  return { ok: true, chains };
}

export function recordRefused(ctx: StoreContext, r: Omit<RefusedRun, 'at'>, now: number): RefusedRun {
  stmt(ctx, 'INSERT INTO radiosync_refused(sender, origin, first_seq, last_seq, rows, code, message, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)').run(
    r.sender, r.origin, r.firstSeq, r.lastSeq, r.rows, r.code, r.message, now,
  );
  stmt(ctx, `DELETE FROM radiosync_refused WHERE n <= (SELECT max(n) FROM radiosync_refused) - ${MAX_REFUSED_KEPT}`).run();
  return { ...r, at: now };
}

export function listRefused(ctx: StoreContext, limit: number): RefusedRun[] {
  const rows = stmt(ctx, 'SELECT * FROM radiosync_refused ORDER BY n DESC LIMIT ?').all(limit) as Array<Record<string, unknown>>;
  return rows.map((r) => ({
    sender: String(r['sender']), origin: String(r['origin']),
    firstSeq: r['first_seq'] === null ? null : Number(r['first_seq']), lastSeq: r['last_seq'] === null ? null : Number(r['last_seq']),
    rows: Number(r['rows']), code: r['code'] as StoreErrorCode, message: String(r['message']), at: Number(r['at']),
  }));
}

export function refusedCount(ctx: StoreContext): number {
  return (stmt(ctx, 'SELECT count(*) AS n FROM radiosync_refused').get() as { n: number }).n;
}

/**
 * Sign the runs of a changeset being built (rows: per origin, consecutive seqs from what the peer
 * acknowledged, in log order). This station signs its own head. Another origin's run must end at a
 * seq whose origin signature is held: it is cut back to the last such seq, or, when none lies
 * inside it, extended to the next one (which may pass the build cap); a run that reaches a change
 * held without its data (relay quota) stops before it. Without origin auth: rows as they are.
 */
export function signRuns(ctx: StoreContext, rows: LogChainRow[], toChange: (r: LogChainRow) => RowChange = logRowToChange): { rows: LogChainRow[]; sigs?: Record<StationId, Uint8Array> } {
  const auth = ctx.origins;
  if (auth === undefined) return { rows };
  const byOrigin = new Map<string, LogChainRow[]>();
  for (const r of rows) {
    let l = byOrigin.get(r.origin);
    if (l === undefined) byOrigin.set(r.origin, (l = []));
    l.push(r);
  }
  const out: LogChainRow[] = [];
  const sigs: Record<StationId, Uint8Array> = {};
  for (const [origin, list0] of byOrigin) {
    list0.sort((a, b) => (a.seq < b.seq ? -1 : 1));
    let list = list0;
    const cut = list.findIndex((r, i) => r.kept === 0n || (i > 0 && r.seq !== list[i - 1]!.seq + 1n));
    if (cut >= 0) list = list.slice(0, cut);
    if (list.length === 0) continue;
    const first = Number(list[0]!.seq);
    let last = Number(list[list.length - 1]!.seq);
    let sig: Uint8Array | undefined;
    if (origin === ctx.station) {
      const head = ownHead(ctx, list, toChange);
      if (head === undefined) continue;
      sig = auth.sign(last, head);
    } else {
      const inside = stmt(ctx, 'SELECT seq, sig FROM radiosync_origin_sig WHERE origin = ? AND seq >= ? AND seq <= ? ORDER BY seq DESC LIMIT 1').get(origin, first, last) as
        | { seq: number; sig: Uint8Array }
        | undefined;
      if (inside !== undefined) {
        list = list.filter((r) => Number(r.seq) <= inside.seq);
        last = inside.seq;
        sig = new Uint8Array(inside.sig);
      } else {
        const next = stmt(ctx, 'SELECT seq, sig FROM radiosync_origin_sig WHERE origin = ? AND seq > ? ORDER BY seq LIMIT 1').get(origin, last) as
          | { seq: number; sig: Uint8Array }
          | undefined;
        if (next === undefined) continue;
        const more = stmt(ctx, `SELECT ${LOG_COLUMNS} FROM radiosync_log WHERE origin = ? AND seq > ? AND seq <= ? ORDER BY seq`, true).all(origin, last, next.seq) as LogChainRow[];
        if (more.length !== next.seq - last || more.some((r) => r.kept === 0n)) continue;
        list = [...list, ...more];
        last = next.seq;
        sig = new Uint8Array(next.sig);
      }
    }
    sigs[origin] = sig;
    out.push(...list);
  }
  out.sort((a, b) => (a.n < b.n ? -1 : a.n > b.n ? 1 : 0));
  return { rows: out, sigs };
}
