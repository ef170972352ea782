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
  stmt, getHlc, setHlc, getMeta, setMeta, advanceVv, localVv, silently, type StoreContext,
} from './StoreContext.js';
import { ingestCaptures } from './capture.js';
import { materializeRow, nullReferencers } from './materialize.js';
import { hlcReceive, hlcWallMs } from './hlc.js';
import { compactContext } from './vv.js';
import { encodeFields, isFieldValue } from './values.js';
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
  /** This station's version vector after the apply: acknowledge it to the sender. */
  ack: VersionVector;
  hash: Uint8Array;
}

const ORIGIN_RE = /^[A-Z0-9][A-Z0-9/-]{0,15}$/i;
const MAX_HLC = (1n << 63n) - 1n;

function bad(message: string, data: Record<string, unknown>): Error {
  return makeError(STORE_ERRORS, 'RS_ERR_STORE_BAD_CHANGE', message, data);
}

/** Validate one change before anything is written (a bad change rejects the whole changeset). */
export function validateChange(c: RowChange, i: number): void {
  const where = { index: i, table: c?.table, origin: c?.origin, seq: c?.seq };
  if (typeof c !== 'object' || c === null) throw bad(`change ${i} is not an object`, where);
  if (typeof c.table !== 'string' || c.table.length === 0) throw bad(`change ${i}: bad table`, where);
  if (!(c.id instanceof Uint8Array) || c.id.byteLength !== 16) throw bad(`change ${i}: id is not 16 bytes`, where);
  if (typeof c.origin !== 'string' || !ORIGIN_RE.test(c.origin)) throw bad(`change ${i}: bad origin`, where);
  if (!Number.isSafeInteger(c.seq) || c.seq < 1) throw bad(`change ${i}: bad seq`, where);
  if (typeof c.hlc !== 'bigint' || c.hlc < 0n || c.hlc > MAX_HLC) throw bad(`change ${i}: bad hlc`, where);
  if (c.kind !== 'upsert' && c.kind !== 'delete') throw bad(`change ${i}: bad kind`, where);
  if (typeof c.fields !== 'object' || c.fields === null) throw bad(`change ${i}: bad fields`, where);
  for (const [k, v] of Object.entries(c.fields)) {
    if (k.length === 0 || !isFieldValue(v)) throw bad(`change ${i}: bad value for field ${k}`, where);
  }
  if (c.ctx !== undefined) {
    for (const [k, v] of Object.entries(c.ctx)) {
      if (!ORIGIN_RE.test(k) || !Number.isSafeInteger(v) || v < 0) throw bad(`change ${i}: bad ctx`, where);
    }
  }
}

export function applyChangeset(ctx: StoreContext, cs: Changeset, opts: { hash?: Uint8Array } = {}): ApplyResult {
  if (cs.version !== 1) {
    throw makeError(STORE_ERRORS, 'RS_ERR_STORE_SCHEMA_VERSION', `changeset version ${String(cs.version)} is unknown`, {
      version: cs.version,
    });
  }
  if (!Array.isArray(cs.changes)) throw bad('changeset has no changes array', {});
  cs.changes.forEach(validateChange);
  const hash = opts.hash ?? changesetHash(cs);
  const result: ApplyResult = {
    duplicate: false, applied: 0, skipped: 0, rowsWritten: 0, parked: 0, conflicts: 0,
    passThrough: [], ignored: 0, clockFlags: [], ack: {}, hash,
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
    const has = stmt(ctx, 'SELECT 1 FROM radiosync_log WHERE origin = ? AND seq = ?');
    const ins = stmt(
      ctx,
      `INSERT INTO radiosync_log(origin, seq, tbl, id, hlc, kind, fields, ctx, received) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    const touched = new Map<string, { spec: TableSpec; id: Uint8Array }>();
    const origins = new Set<string>();
    const pass = new Set<string>();
    let hlc = getHlc(ctx);
    let maxRemoteWall = 0;
    const ahead = new Map<string, number>();
    for (const c of cs.changes) {
      if (has.get(c.origin, c.seq) !== undefined) {
        result.skipped++;
        continue;
      }
      const ctxc = c.ctx === undefined ? undefined : compactContext(c.ctx, c.origin);
      ins.run(
        c.origin, c.seq, c.table, Buffer.from(c.id), c.hlc, c.kind,
        c.kind === 'upsert' ? encodeFields(c.fields) : null,
        ctxc === undefined ? null : JSON.stringify(ctxc), now,
      );
      if (c.table.startsWith('@')) result.ignored++;
      else result.applied++;
      origins.add(c.origin);
      if (c.origin === ctx.station && c.seq > Number(getMeta(ctx, 'seq') ?? 0)) setMeta(ctx, 'seq', c.seq);
      const r = hlcReceive(hlc, c.hlc, now, ctx.maxDriftMs);
      hlc = r.hlc;
      if (r.clamped) ahead.set(c.origin, Math.max(ahead.get(c.origin) ?? 0, r.aheadMs));
      maxRemoteWall = Math.max(maxRemoteWall, hlcWallMs(c.hlc));
      if (c.table.startsWith('@')) {
        // Reserved tables (`@files`): held in the log (relayed, and the origin's version vector
        // advances past them) but not written here; folder sync reads them back (rowHistory).
        continue;
      }
      const spec = ctx.specs.get(c.table);
      if (spec === undefined) {
        pass.add(c.table);
        continue;
      }
      touched.set(`${c.table}\u0000${Buffer.from(c.id).toString('hex')}`, { spec, id: c.id });
    }
    setHlc(ctx, hlc);
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
    silently(ctx, () => {
      const parked = stmt(ctx, 'SELECT tbl, id FROM radiosync_parked ORDER BY since, tbl, id').all() as Array<{
        tbl: string;
        id: Uint8Array;
      }>;
      let queue = [...touched.values()];
      for (const p of parked) {
        const spec = ctx.specs.get(p.tbl);
        if (spec !== undefined && !touched.has(`${p.tbl}\u0000${Buffer.from(p.id).toString('hex')}`)) {
          queue.push({ spec, id: new Uint8Array(p.id) });
        }
      }
      // Rows parked for a parent that arrives later in the same pass are retried until no progress.
      for (let round = 0; queue.length > 0; round++) {
        const retry: typeof queue = [];
        let progress = false;
        for (const { spec, id } of queue) {
          const o = materializeRow(ctx, spec, id);
          result.conflicts += o.conflicts;
          for (const col of o.unknownColumns) pass.add(`${spec.name}.${col}`);
          if (o.status === 'parked') {
            retry.push({ spec, id });
            continue;
          }
          progress = true;
          if (o.status !== 'unchanged') result.rowsWritten++;
          if (o.status === 'resurrected') retry.push(...nullReferencers(ctx, spec.name));
        }
        if (!progress) break;
        queue = retry;
      }
    });
    for (const o of origins) advanceVv(ctx, o);
    result.parked = (stmt(ctx, 'SELECT count(*) AS n FROM radiosync_parked').get() as { n: number }).n;
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
