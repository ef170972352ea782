/**
 * Apply a changeset: one transaction that stores the new changes in the log, brings every touched
 * row of the application tables in line with the merge rule, retries parked rows, advances this
 * station's version vector and records the changeset's hash. A crash at any point leaves the
 * database as it was; applying the same changeset again is a no-op.
 */
import type { Changeset, RowChange, StationId, VersionVector } from '../changeset/Changeset.js';
import { makeError } from '../errors/RadiosyncError.js';
import { STORE_ERRORS } from './errors.js';
import {
  stmt, getHlc, setHlc, getMeta, setMeta, advanceVv, localVv, silently, underCurrentNames, heldFromChange, type StoreContext,
} from './StoreContext.js';
import type { HeldChange } from './merge.js';
import { ingestCaptures } from './capture.js';
import { materializeRow, nullReferencers } from './materialize.js';
import { hlcReceive, hlcWallMs } from './hlc.js';
import { holdBack } from './holdBack.js';
import { compactContext } from './vv.js';
import { encodeFields } from './values.js';
import { checkRun, recordRefused, saveOriginSig, type RefusedRun } from './originRuns.js';
import { putWaiting, takeWaiting } from './waitingRuns.js';
import { changesetHash } from './hash.js';
import { touchPeer, flagClock } from './peers.js';
import type { TableSpec } from './tables.js';

export interface ApplyResult {
  /** The whole changeset had been applied before (its hash is recorded): nothing was done. */
  duplicate: boolean;
  /** Row changes new to this station, now held in the log. */
  applied: number;
  /** Row changes this station already held (same origin and seq). */
  skipped: number;
  /** Rows written to application tables. */
  rowsWritten: number;
  /** Rows waiting (missing parent or incomplete) after this apply, over all changesets. */
  parked: number;
  /** Conflicts newly recorded in radiosync_conflict. */
  conflicts: number;
  /** Tables and `table.column`s this station does not sync: held and relayed, not written. */
  passThrough: string[];
  /** New changes for reserved tables (`@files`): held in the log and relayed, not counted in `applied`; folder sync materialises them. */
  ignored: number;
  /** Stations whose clocks were seen beyond the drift bound. */
  clockFlags: Array<{ station: StationId; flag: 'ahead' | 'behind'; offsetMs: number }>;
  /**
   * Runs of changes refused by this apply (one per origin at most, plus one for the relay quota),
   * each with its error; everything else in the changeset was applied. Also in `status`.
   */
  refused: RefusedRun[];
  /** Held changes whose sort stamp was held back by this apply (their origin's clock ran ahead, holdBack.ts). */
  heldBack: number;
  /** Changes of runs that arrived ahead of a gap in their origin's seqs: held aside, applied when the gap fills. */
  waiting: number;
  /** Changes held aside by earlier applies that this one took in (their gap filled): folder sync writes their `@files` rows too. */
  late: RowChange[];
  /** Relay-only changes logged without their data: the sender passed its relay quota. */
  notKept: number;
  /** This station's version vector after the apply: acknowledge it to the sender. */
  ack: VersionVector;
  hash: Uint8Array;
}

export { validateChange } from './originRuns.js';

/** A row to bring in line with the log, with its key (table, id) in the maps below. */
interface Touched {
  spec: TableSpec;
  id: Uint8Array;
  key: string;
  /** The row's whole history, when the log held nothing of it before this apply stored this change. */
  held?: HeldChange[];
}


const rowKey = (table: string, id: Uint8Array): string => `${table}\u0000${Buffer.from(id).toString('hex')}`;

export function applyChangeset(ctx: StoreContext, cs: Changeset, opts: { hash?: Uint8Array } = {}): ApplyResult {
  if (cs.version !== 1) {
    throw makeError(STORE_ERRORS, 'RS_ERR_STORE_SCHEMA_VERSION', `changeset version ${String(cs.version)} is unknown`, {
      version: cs.version,
    });
  }
  if (!Array.isArray(cs.changes)) throw makeError(STORE_ERRORS, 'RS_ERR_STORE_BAD_CHANGE', 'changeset has no changes array', {});
  const hash = opts.hash ?? changesetHash(cs);
  const result: ApplyResult = {
    duplicate: false, applied: 0, skipped: 0, rowsWritten: 0, parked: 0, conflicts: 0,
    passThrough: [], ignored: 0, clockFlags: [], refused: [], heldBack: 0, notKept: 0, waiting: 0, late: [], ack: {}, hash,
  };
  const run = ctx.db.transaction(() => {
    const hb = Buffer.from(hash);
    if (stmt(ctx, 'SELECT 1 FROM radiosync_applied WHERE hash = ?').get(hb) !== undefined) {
      result.duplicate = true;
      result.skipped = cs.changes.length;
      return;
    }
    ingestCaptures(ctx);
    const now = ctx.clock.now();
    const accepted = acceptRuns(ctx, cs, now, result);
    const has = stmt(ctx, 'SELECT 1 FROM radiosync_log WHERE origin = ? AND seq = ?');
    // does the log hold anything of this row yet (the covering index alone answers)
    const known = stmt(ctx, 'SELECT 1 FROM radiosync_log WHERE tbl = ? AND id = ? LIMIT 1');
    const ins = stmt(
      ctx,
      `INSERT OR IGNORE INTO radiosync_log(origin, seq, tbl, id, hlc, kind, fields, ctx, received, chain, kept, wire_hlc)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    const quota = relayUsage(ctx, cs.from);
    const firstNew = new Map<string, number>();
    const touched = new Map<string, Touched>();
    const origins = new Set<string>();
    const pass = new Set<string>();
    let hlc = getHlc(ctx);
    let maxRemoteWall = 0;
    const ahead = new Map<string, number>();
    const take = (c: RowChange, chain: Uint8Array | null): void => {
      const relayOnly = !c.table.startsWith('@') && !ctx.specs.has(c.table);
      // a relay-only change held already must not count against the quota: looked up first
      if (relayOnly && has.get(c.origin, c.seq) !== undefined) {
        result.skipped++;
        return;
      }
      const ctxc = c.ctx === undefined ? undefined : compactContext(c.ctx, c.origin);
      const spec = c.table.startsWith('@') ? undefined : ctx.specs.get(c.table);
      const idb = Buffer.from(c.id);
      // a row new to the log: its history is this change alone, kept in hand (not read back)
      const fresh = spec !== undefined && known.get(c.table, idb) === undefined;
      let fields = c.kind === 'upsert' ? encodeFields(c.fields) : null;
      let kept = 1;
      if (relayOnly) {
        // Held only for relaying: counted against the sender's quota; past it, logged without data.
        const bytes = fields?.length ?? 0;
        if (quota.rows + 1 > ctx.relayQuota.rows || quota.bytes + bytes > ctx.relayQuota.bytes) {
          fields = null;
          kept = 0;
          result.notKept++;
        } else {
          quota.rows++;
          quota.bytes += bytes;
        }
      }
      // UNIQUE(origin, seq): a change held already is ignored (one statement, not a lookup and an insert)
      const stored = ins.run(
        c.origin, c.seq, c.table, idb, c.hlc, c.kind, fields,
        ctxc === undefined ? null : JSON.stringify(ctxc), now,
        chain === null ? null : Buffer.from(chain), kept, null,
      ).changes;
      if (stored === 0) {
        result.skipped++;
        return;
      }
      const f = firstNew.get(c.origin);
      if (f === undefined || c.seq < f) firstNew.set(c.origin, c.seq);
      if (c.table.startsWith('@')) result.ignored++;
      else result.applied++;
      origins.add(c.origin);
      const r = hlcReceive(hlc, c.hlc, now, ctx.maxDriftMs);
      hlc = r.hlc;
      if (r.clamped) ahead.set(c.origin, Math.max(ahead.get(c.origin) ?? 0, r.aheadMs));
      maxRemoteWall = Math.max(maxRemoteWall, hlcWallMs(c.hlc));
      if (c.table.startsWith('@')) {
        // Reserved tables (`@files`): held in the log (relayed, and the origin's version vector
        // advances past them) but not written here; folder sync reads them back (rowHistory).
        return;
      }
      if (spec === undefined) {
        pass.add(c.table);
        return;
      }
      const key = rowKey(c.table, c.id);
      // a second change to the same row here finds the first one in the log: not fresh
      touched.set(key, fresh ? { spec, id: c.id, key, held: underCurrentNames(ctx, c.table, [heldFromChange(c, ctxc)]) } : { spec, id: c.id, key });
    };
    for (const c of cs.changes) {
      const chain = accepted.get(c);
      if (chain !== undefined) take(c, chain); // else its origin's run was refused or waits (result)
    }
    // Runs that arrived ahead of a gap wait (originRuns.ts); those the gap's filling connects now go in.
    for (const o of [...origins]) {
      advanceVv(ctx, o);
      for (let w = takeWaiting(ctx, o); w !== undefined; w = takeWaiting(ctx, o)) {
        const check = checkRun(ctx, o, w.changes, w.sig);
        if (!check.ok) {
          result.refused.push(recordRefused(ctx, { sender: w.sender, origin: o, firstSeq: w.changes[0]!.seq, lastSeq: w.changes[w.changes.length - 1]!.seq, rows: w.changes.length, code: check.code, message: check.message }, now));
          continue;
        }
        saveOriginSig(ctx, o, w.changes[w.changes.length - 1]!.seq, w.sig);
        w.changes.forEach((c, i) => take(c, check.chains?.[i] ?? null));
        result.late.push(...w.changes);
        advanceVv(ctx, o);
      }
    }
    setHlc(ctx, hlc);
    // Stamps of a clock that ran ahead and was set back (holdBack.ts): merged again below.
    for (const [o, first] of firstNew) {
      for (const r of holdBack(ctx, o, first)) {
        result.heldBack++;
        const spec = ctx.specs.get(r.tbl);
        const key = rowKey(r.tbl, r.id);
        if (spec !== undefined) touched.set(key, { spec, id: r.id, key });
      }
    }
    // Clock checks: a change stamped beyond our wall clock + bound means its origin runs ahead;
    // a sender whose build time is before changes it already held means the sender runs behind.
    for (const [station, offsetMs] of ahead) {
      flagClock(ctx, station, 'ahead', offsetMs);
      result.clockFlags.push({ station, flag: 'ahead', offsetMs });
    }
    if (cs.created > now + ctx.maxDriftMs && !ahead.has(cs.from)) {
      flagClock(ctx, cs.from, 'ahead', cs.created - now);
      result.clockFlags.push({ station: cs.from, flag: 'ahead', offsetMs: cs.created - now });
    } else if (maxRemoteWall > 0 && cs.created + ctx.maxDriftMs < maxRemoteWall && maxRemoteWall <= now + ctx.maxDriftMs) {
      flagClock(ctx, cs.from, 'behind', cs.created - maxRemoteWall);
      result.clockFlags.push({ station: cs.from, flag: 'behind', offsetMs: cs.created - maxRemoteWall });
    }
    materializeTouched(ctx, touched, result, pass);
    for (const o of origins) advanceVv(ctx, o);
    saveRelayUsage(ctx, cs.from, quota);
    if (result.notKept > 0) {
      result.refused.push(recordRefused(ctx, {
        sender: cs.from, origin: '*', firstSeq: null, lastSeq: null, rows: result.notKept, code: 'RS_ERR_STORE_RELAY_QUOTA',
        message: `${cs.from} passed its relay quota (${ctx.relayQuota.rows} rows, ${ctx.relayQuota.bytes} bytes): ${result.notKept} relay-only change(s) logged without their data and not relayed from here`,
      }, now));
    }
    result.parked = parkedCount(ctx);
    stmt(ctx, 'INSERT INTO radiosync_applied(hash, sender, applied_at, changes) VALUES (?, ?, ?, ?)').run(
      hb, cs.from, now, cs.changes.length,
    );
    touchPeer(ctx, cs.from, now);
    result.passThrough = [...pass].sort();
  });
  run.immediate();
  result.ack = localVv(ctx);
  return result;
}


/**
 * Bring every touched row, and every row parked by an earlier apply, in line with the log (the
 * merge rule); rows that still cannot be written (a parent or a value missing) stay parked.
 * Called inside the caller's write transaction.
 */
function materializeTouched(ctx: StoreContext, touched: Map<string, Touched>, result: Pick<ApplyResult, 'conflicts' | 'rowsWritten'>, pass: Set<string>): void {
  silently(ctx, () => {
    const parked = stmt(ctx, 'SELECT tbl, id FROM radiosync_parked ORDER BY since, tbl, id').all() as Array<{
      tbl: string;
      id: Uint8Array;
    }>;
    let queue = [...touched.values()];
    // rows in radiosync_parked: those parked before this apply, and those it parks
    const parkedKeys = new Set<string>();
    for (const p of parked) {
      const key = rowKey(p.tbl, p.id);
      parkedKeys.add(key);
      const spec = ctx.specs.get(p.tbl);
      if (spec !== undefined && !touched.has(key)) queue.push({ spec, id: new Uint8Array(p.id), key });
    }
    // per table, whether it holds any tombstone (one indexed probe each); elsewhere only a row
    // with a delete in its history can have one (materialize.ts), as do those written below
    const tombstoned = new Map<string, boolean>();
    const hasTombstones = (table: string): boolean => {
      let t = tombstoned.get(table);
      if (t === undefined) tombstoned.set(table, (t = stmt(ctx, 'SELECT 1 FROM radiosync_tombstone WHERE tbl = ? LIMIT 1').get(table) !== undefined));
      return t;
    };
    // Rows parked for a parent that arrives later in the same pass are retried until no progress.
    for (let round = 0; queue.length > 0; round++) {
      const retry: typeof queue = [];
      let progress = false;
      for (const row of queue) {
        const { spec, id } = row;
        const o = materializeRow(ctx, spec, id, { mayBeParked: parkedKeys.has(row.key), unloggedTombstones: hasTombstones(spec.name), ...(row.held ? { held: row.held } : {}) });
        result.conflicts += o.conflicts;
        for (const col of o.unknownColumns) pass.add(`${spec.name}.${col}`);
        if (o.status === 'parked') {
          parkedKeys.add(row.key);
          retry.push(row);
          continue;
        }
        progress = true;
        if (o.status !== 'unchanged') result.rowsWritten++;
        if (o.status === 'resurrected') for (const r of nullReferencers(ctx, spec.name)) retry.push({ ...r, key: rowKey(r.spec.name, r.id) });
      }
      if (!progress) break;
      queue = retry;
    }
  });
}

/**
 * Try the parked rows again now, without a changeset: what they waited for (a parent row, a
 * table's rows) may have been written by the application since. One write transaction; returns
 * the rows written and how many still wait.
 */
/** Rows parked: held in the log, not (yet) in the application's tables. */
export function parkedCount(ctx: StoreContext): number {
  return (stmt(ctx, 'SELECT count(*) AS n FROM radiosync_parked').get() as { n: number }).n;
}

export function retryParked(ctx: StoreContext): { rowsWritten: number; conflicts: number; parked: number } {
  const out = { rowsWritten: 0, conflicts: 0, parked: 0 };
  ctx.db.transaction(() => {
    if (stmt(ctx, 'SELECT 1 FROM radiosync_parked LIMIT 1').get() === undefined) return;
    ingestCaptures(ctx);
    materializeTouched(ctx, new Map(), out, new Set());
    out.parked = parkedCount(ctx);
  }).immediate();
  return out;
}

/**
 * Check every origin's run (originRuns.ts); refused runs are recorded. Returns, for each accepted
 * change, its chain head (null when origin auth is off).
 */
function acceptRuns(ctx: StoreContext, cs: Changeset, now: number, result: ApplyResult): Map<RowChange, Uint8Array | null> {
  const runs = new Map<string, RowChange[]>();
  for (const c of cs.changes) {
    const o = typeof c === 'object' && c !== null && typeof c.origin === 'string' ? c.origin : '';
    let l = runs.get(o);
    if (l === undefined) runs.set(o, (l = []));
    l.push(c);
  }
  const out = new Map<RowChange, Uint8Array | null>();
  const sigs = cs.sigs;
  for (const [origin, run] of runs) {
    const sig = sigs !== undefined && Object.prototype.hasOwnProperty.call(sigs, origin) ? sigs[origin] : undefined;
    const check = checkRun(ctx, origin, run, sig);
    if (!check.ok && check.code === 'RS_ERR_STORE_ORIGIN_GAP' && check.ahead === true && sig !== undefined) {
      result.waiting += run.length;
      putWaiting(ctx, cs.from, origin, run, sig, now);
      continue;
    }
    if (!check.ok) {
      const seqs = run.map((c) => c?.seq).filter((s): s is number => Number.isSafeInteger(s));
      result.refused.push(recordRefused(ctx, {
        sender: cs.from, origin, firstSeq: seqs.length ? Math.min(...seqs) : null, lastSeq: seqs.length ? Math.max(...seqs) : null,
        rows: run.length, code: check.code, message: check.message,
      }, now));
      continue;
    }
    run.forEach((c, i) => out.set(c, check.chains?.[i] ?? null));
    if (check.chains !== undefined && sig !== undefined) saveOriginSig(ctx, origin, run[run.length - 1]!.seq, sig);
  }
  return out;
}

function relayUsage(ctx: StoreContext, sender: StationId): { rows: number; bytes: number } {
  const r = stmt(ctx, 'SELECT rows, bytes FROM radiosync_relay WHERE sender = ?').get(sender) as { rows: number; bytes: number } | undefined;
  return r ?? { rows: 0, bytes: 0 };
}

function saveRelayUsage(ctx: StoreContext, sender: StationId, q: { rows: number; bytes: number }): void {
  stmt(ctx, 'INSERT INTO radiosync_relay(sender, rows, bytes) VALUES (?, ?, ?) ON CONFLICT(sender) DO UPDATE SET rows = excluded.rows, bytes = excluded.bytes').run(sender, q.rows, q.bytes);
}
