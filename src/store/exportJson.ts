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
import { heldFromLog, stmt, type StoreContext } from './StoreContext.js';
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
  /** The row is deleted by this change (`kind` = delete; a soft delete in the application too). */
  deleted: boolean;
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

function checkRange(ctx: StoreContext, range: ExportRange): void {
  const bad = (message: string): Error => makeError(STORE_ERRORS, 'RS_ERR_STORE_EXPORT_BAD_RANGE', message, { range });
  for (const k of ['since', 'until'] as const) {
    const v = range[k];
    if (v !== undefined && !Number.isFinite(v)) throw makeError(STORE_ERRORS, 'RS_ERR_STORE_EXPORT_BAD_DATE', `"${k}" is not a time: ${String(v)}`, { [k]: v });
  }
  if (range.since !== undefined && range.until !== undefined && range.since > range.until) throw bad('"since" is after "until"');
  for (const k of ['fromSeq', 'toSeq'] as const) {
    const v = range[k];
    if (v !== undefined && (!Number.isSafeInteger(v) || v < 0)) throw bad(`"${k}" must be a non-negative integer: ${String(v)}`);
  }
  if (range.fromSeq !== undefined && range.toSeq !== undefined && range.fromSeq > range.toSeq) throw bad('"fromSeq" is after "toSeq"');
  for (const t of range.tables ?? []) {
    if (ctx.specs.has(t) || stmt(ctx, 'SELECT 1 FROM radiosync_log WHERE tbl = ? LIMIT 1').get(t) !== undefined) continue;
    throw makeError(STORE_ERRORS, 'RS_ERR_STORE_EXPORT_UNKNOWN_TABLE', `table ${t} is not synced here and no changes of it are held (synced: ${[...ctx.specs.keys()].join(', ') || 'none'})`, {
      table: t,
      synced: [...ctx.specs.keys()],
    });
  }
}

type ExportLogRow = Parameters<typeof heldFromLog>[0] & { tbl: string; id: Uint8Array };

/** The held changes in the range, in log order, one at a time (memory does not grow with the log). */
function* selectChanges(ctx: StoreContext, range: ExportRange): Generator<ExportedChange> {
  checkRange(ctx, range);
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
  for (const r of ctx.db.prepare(sql).safeIntegers(true).iterate(...args) as IterableIterator<ExportLogRow>) {
    yield exportedChange(ctx, r);
  }
}

function exportedChange(ctx: StoreContext, r: ExportLogRow): ExportedChange {
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
    deleted: h.kind === 'delete',
    fields,
  };
  const compact = compactContext(h.ctx, h.origin);
  if (compact !== undefined) c.ctx = compact;
  return c;
}

function header(ctx: StoreContext, range: ExportRange): Omit<ChangesExport, 'changes'> {
  return { format: 'radiosync-changes', version: 1, station: ctx.station, exportedAt: new Date(ctx.clock.now()).toISOString(), range };
}

/**
 * Select held changes (throws RS_ERR_STORE_EXPORT_BAD_DATE / _BAD_RANGE / _UNKNOWN_TABLE on a bad
 * range). Holds the whole result in memory: for large exports use {@link writeChangesJson}.
 */
export function exportChanges(ctx: StoreContext, range: ExportRange = {}): ChangesExport {
  const changes = [...selectChanges(ctx, range)];
  return { ...header(ctx, range), changes };
}

/**
 * The same document as {@link exportChanges}, written in pieces (one change per line), so memory
 * stays bounded by one change whatever the log's size. Returns the number of changes written.
 */
export function writeChangesJson(ctx: StoreContext, range: ExportRange, write: (text: string) => void): number {
  const it = selectChanges(ctx, range); // validates before anything is written
  const first = it.next();
  const head = JSON.stringify(header(ctx, range));
  write(`${head.slice(0, -1)},"changes":[`);
  let n = 0;
  for (let r = first; r.done !== true; r = it.next()) {
    write(`${n === 0 ? '' : ','}\n${JSON.stringify(r.value)}`);
    n++;
  }
  write(n === 0 ? ']}\n' : '\n]}\n');
  return n;
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
