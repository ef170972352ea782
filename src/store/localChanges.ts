/**
 * Local changes that do not come from the capture triggers: folder sync's `@files` entries (a scan
 * finds them, not SQLite). Each is stamped exactly like a captured change: this station as origin,
 * the next local seq, an HLC tick that sorts after everything held for the row, and the row's
 * causal context. All of them go into the log in one transaction, so `buildChangeset` sends and
 * relays them like any other change.
 */
import type { FieldValue, Hlc, RowChange, StationId, VersionVector } from '../changeset/Changeset.js';
import { makeError } from '../errors/RadiosyncError.js';
import { STORE_ERRORS } from './errors.js';
import { advanceVv, getHlc, nextLocalSeq, rowContext, setHlc, stmt, type StoreContext } from './StoreContext.js';
import { ingestCaptures, recheckHeldBack } from './capture.js';
import { hlcAfter, hlcTick } from './hlc.js';
import { compactContext } from './vv.js';
import { encodeFields } from './values.js';

export interface LocalChange {
  /** A reserved table (starting with `@`, e.g. `@files`): synced tables go through the triggers. */
  table: string;
  /** 16-byte row id. */
  id: Uint8Array;
  kind: 'upsert' | 'delete';
  fields: Record<string, FieldValue>;
  /**
   * The row's causal context as this station's data reflects it (per origin, the highest seq of a
   * change to this row that the local state has seen). Default: every change held for the row.
   * Folder sync passes what was actually written to disk, so an incoming version that was deferred
   * (the file was being edited) stays concurrent with the local edit and becomes a conflict copy.
   */
  ctx?: VersionVector;
}

const INSERT_LOG = `INSERT INTO radiosync_log(origin, seq, tbl, id, hlc, kind, fields, ctx, received)
  VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`;

/** Append local changes to the log in one transaction; returns them stamped (as they will be sent). */
export function appendLocalChanges(ctx: StoreContext, changes: readonly LocalChange[]): RowChange[] {
  for (const [i, c] of changes.entries()) {
    if (typeof c.table !== 'string' || !c.table.startsWith('@')) {
      throw makeError(STORE_ERRORS, 'RS_ERR_STORE_BAD_CHANGE', `local change ${i}: only reserved (@) tables take local changes; synced tables are captured by triggers`, { index: i, table: c.table });
    }
    if (!(c.id instanceof Uint8Array) || c.id.byteLength !== 16) {
      throw makeError(STORE_ERRORS, 'RS_ERR_STORE_BAD_CHANGE', `local change ${i}: id is not 16 bytes`, { index: i, table: c.table });
    }
  }
  if (changes.length === 0) return [];
  return ctx.db.transaction((): RowChange[] => {
    ingestCaptures(ctx); // trigger captures first: log order follows the order things happened
    const out: RowChange[] = [];
    const station: StationId = ctx.station;
    for (const c of changes) {
      const row = rowContext(ctx, c.table, c.id);
      const tick = hlcTick(getHlc(ctx), ctx.clock.now(), ctx.maxDriftMs);
      setHlc(ctx, tick);
      // Sort after everything held for the row (as capture does), without dragging the station clock.
      const hlc: Hlc = tick <= row.maxHlc ? hlcAfter(row.maxHlc) : tick;
      const seq = nextLocalSeq(ctx);
      const compact = compactContext(c.ctx ?? row.vv, station);
      const fields = c.kind === 'upsert' ? c.fields : {};
      stmt(ctx, INSERT_LOG).run(
        station, seq, c.table, Buffer.from(c.id), hlc, c.kind,
        c.kind === 'upsert' ? encodeFields(fields) : null,
        compact === undefined ? null : JSON.stringify(compact), ctx.clock.now(),
      );
      const rc: RowChange = { table: c.table, id: new Uint8Array(c.id), origin: station, seq, hlc, kind: c.kind, fields };
      if (compact !== undefined) rc.ctx = compact;
      out.push(rc);
    }
    advanceVv(ctx, station);
    if (out.length > 0) recheckHeldBack(ctx, out[0]!.seq);
    return out;
  }).immediate();
}
