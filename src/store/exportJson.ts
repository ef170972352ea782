/**
 * Open-format export of held changes as JSON, for other systems (Sahana's blueprint asks for a
 * JSON export of "the entries after a date"). Separate from the radio format: readable, verbose,
 * and stable. Select by origin and sequence range, by date range (the HLC's wall part), and by table.
 *
 * ```json
 * { "format": "radiosync-changes", "version": 1, "station": "N0CALL", "exportedAt": "2026-…Z",
 *   "changes": [ { "table": "person", "id": "8-4-4-4-12", "origin": "N0CALL", "seq": 7,
 *                  "hlc": "116…", "time": "2026-…Z", "kind": "upsert",
 *                  "fields": { "name": "Ana", "shelter_id": { "$uuid": "…" }, "photo": { "$base64": "…" } },
 *                  "ctx": { "EA4XYZ": 3 } } ] }
 * ```
 * Foreign keys appear as `{"$uuid": …}`, other bytes as `{"$base64": …}`, integers beyond 2^53 as
 * `{"$int": "…"}`.
 */
import type { Changeset, FieldValue, RowChange, StationId, VersionVector } from '../changeset/Changeset.js';
import { makeError } from '../errors/RadiosyncError.js';
import { STORE_ERRORS } from './errors.js';
import { heldFromLog, type StoreContext } from './StoreContext.js';
import { hlcPack, hlcWallMs } from './hlc.js';
import { bytesToUuid, isUuidBytes, uuidToBytes } from './uuid.js';
import { fromJsonValue, toJsonValue, type JsonValue } from './values.js';
import { compactContext } from './vv.js';

export interface ExportRange {
  /** Only changes made at this station. */
  origin?: StationId;
  /** Sequence range (inclusive), with `origin`. */
  fromSeq?: number;
  toSeq?: number;
  /** Date range (ms since epoch, inclusive) on the change's HLC wall time. */
  since?: number;
  until?: number;
  tables?: string[];
}

export interface ExportedChange {
  table: string;
  id: string;
  origin: StationId;
  seq: number;
  hlc: string;
  time: string;
  kind: 'upsert' | 'delete';
  fields: Record<string, JsonValue>;
  ctx?: VersionVector;
}

export interface ChangesExport {
  format: 'radiosync-changes';
  version: 1;
  station: StationId;
  exportedAt: string;
  range: ExportRange;
  changes: ExportedChange[];
}

export function exportChanges(ctx: StoreContext, range: ExportRange = {}): ChangesExport {
  const where: string[] = [];
  const args: unknown[] = [];
  if (range.origin !== undefined) {
    where.push('origin = ?');
    args.push(range.origin);
  }
  if (range.fromSeq !== undefined) {
    where.push('seq >= ?');
    args.push(range.fromSeq);
  }
  if (range.toSeq !== undefined) {
    where.push('seq <= ?');
    args.push(range.toSeq);
  }
  if (range.since !== undefined) {
    where.push('hlc >= ?');
    args.push(hlcPack(range.since));
  }
  if (range.until !== undefined) {
    where.push('hlc <= ?');
    args.push(hlcPack(range.until, 0xffff));
  }
  if (range.tables !== undefined && range.tables.length > 0) {
    where.push(`tbl IN (${range.tables.map(() => '?').join(', ')})`);
    args.push(...range.tables);
  }
  const sql = `SELECT n, origin, seq, tbl, id, hlc, kind, fields, ctx FROM radiosync_log
    ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY n`;
  const rows = ctx.db.prepare(sql).safeIntegers(true).all(...args) as Array<
    Parameters<typeof heldFromLog>[0] & { tbl: string; id: Uint8Array }
  >;
  const changes = rows.map((r): ExportedChange => {
    const h = heldFromLog(r);
    const spec = ctx.specs.get(r.tbl);
    const fields: Record<string, JsonValue> = {};
    for (const [k, v] of Object.entries(h.fields)) fields[k] = jsonField(v, spec?.fks.has(k) ?? false);
    const c: ExportedChange = {
      table: r.tbl,
      id: bytesToUuid(r.id),
      origin: h.origin,
      seq: h.seq,
      hlc: h.hlc.toString(),
      time: new Date(hlcWallMs(h.hlc)).toISOString(),
      kind: h.kind,
      fields,
    };
    const compact = compactContext(h.ctx, h.origin);
    if (compact !== undefined) c.ctx = compact;
    return c;
  });
  return {
    format: 'radiosync-changes',
    version: 1,
    station: ctx.station,
    exportedAt: new Date(ctx.clock.now()).toISOString(),
    range,
    changes,
  };
}

function jsonField(v: FieldValue, isFk: boolean): JsonValue {
  if (isFk && isUuidBytes(v)) return { $uuid: bytesToUuid(v) };
  return toJsonValue(v);
}

/**
 * The reverse: an export (e.g. carried by email or produced by another system in this format) as a
 * changeset to apply. Throws RS_ERR_STORE_BAD_CHANGE on a document that is not such an export; the
 * changes themselves are validated again by applyChangeset.
 */
export function changesetFromExport(doc: unknown, to: StationId[] = []): Changeset {
  const d = doc as Partial<ChangesExport> | null;
  if (d === null || typeof d !== 'object' || d.format !== 'radiosync-changes' || d.version !== 1 || !Array.isArray(d.changes)) {
    throw makeError(STORE_ERRORS, 'RS_ERR_STORE_BAD_CHANGE', 'not a radiosync-changes version 1 document', {});
  }
  const changes = d.changes.map((c, i): RowChange => {
    try {
      const fields: Record<string, FieldValue> = {};
      for (const [k, v] of Object.entries(c.fields ?? {})) fields[k] = fromJsonValue(v);
      const rc: RowChange = {
        table: c.table,
        id: uuidToBytes(c.id),
        origin: c.origin,
        seq: c.seq,
        hlc: BigInt(c.hlc),
        kind: c.kind,
        fields,
      };
      if (c.ctx !== undefined) rc.ctx = c.ctx;
      return rc;
    } catch (e) {
      throw makeError(STORE_ERRORS, 'RS_ERR_STORE_BAD_CHANGE', `export change ${i} is malformed`, { index: i }, e);
    }
  });
  return { version: 1, from: String(d.station ?? ''), to, created: Date.parse(String(d.exportedAt)) || 0, upto: {}, changes, chunks: [] };
}
