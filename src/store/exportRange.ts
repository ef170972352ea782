/**
 * The selection of a JSON export (exportJson.ts) from text, as a user types it:
 *
 * | argument | form | meaning |
 * |---|---|---|
 * | since | `YYYY-MM-DD`, or `YYYY-MM-DDTHH:MM[:SS[.mmm]]` with `Z` or `±HH:MM` (none = UTC) | changes stamped at or after it |
 * | until | the same; a bare date means the end of that day (UTC) | changes stamped at or before it |
 * | seq | `FROM..TO` or `FROM..` (1 ≤ FROM ≤ TO), with `origin` (default: this station) | one origin's seq range |
 * | tables | table names | only these |
 *
 * Bad text is a typed error naming the value (RS_ERR_STORE_EXPORT_BAD_DATE, _BAD_RANGE); the
 * tables are checked against the store when the export runs (RS_ERR_STORE_EXPORT_UNKNOWN_TABLE).
 */
import type { StationId } from '../changeset/Changeset.js';
import { makeError } from '../errors/RadiosyncError.js';
import { STORE_ERRORS } from './errors.js';
import type { ExportRange } from './exportJson.js';
import { MAX_SEQ } from '../changeset/Changeset.js';

export interface ExportRangeText {
  since?: string;
  until?: string;
  seq?: string;
  origin?: StationId;
  tables?: string[];
}

const DAY_MS = 86_400_000;
const ISO = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(\.\d{1,3})?)?(Z|[+-]\d{2}:?\d{2})?)?$/;

/** ms since the epoch; a bare date is its first millisecond, or with `endOfDay` its last. */
export function parseExportDate(name: 'since' | 'until', text: string, endOfDay = false): number {
  const m = ISO.exec(text.trim());
  const bad = () =>
    makeError(STORE_ERRORS, 'RS_ERR_STORE_EXPORT_BAD_DATE', `"${name}" must be an ISO 8601 date or time (2026-12-01, 2026-12-01T10:00Z): ${text}`, { [name]: text });
  if (m === null) throw bad();
  const [, y, mo, d, h, mi, s, frac, zone] = m;
  // Date.parse rolls 2026-02-30 over into March: check that the calendar date is real.
  const day = Date.UTC(Number(y), Number(mo) - 1, Number(d));
  const check = new Date(day);
  if (Number(mo) < 1 || Number(mo) > 12 || check.getUTCDate() !== Number(d) || check.getUTCMonth() !== Number(mo) - 1) throw bad();
  if (h === undefined) return endOfDay ? day + DAY_MS - 1 : day;
  if (Number(h) > 23 || Number(mi) > 59 || Number(s ?? 0) > 59) throw bad();
  const z = zone === undefined ? 'Z' : zone.length === 5 ? `${zone.slice(0, 3)}:${zone.slice(3)}` : zone;
  const ms = Date.parse(`${y}-${mo}-${d}T${h}:${mi}:${s ?? '00'}${(frac ?? '.000').padEnd(4, '0')}${z}`);
  if (!Number.isFinite(ms)) throw bad();
  return ms;
}

function badRange(message: string, data: Record<string, unknown>): Error {
  return makeError(STORE_ERRORS, 'RS_ERR_STORE_EXPORT_BAD_RANGE', message, data);
}

/** `FROM..TO` or `FROM..` → [from, to]. */
export function parseSeqRange(text: string): [number, number | undefined] {
  const m = /^(\d{1,16})\.\.(\d{1,16})?$/.exec(text.trim());
  const from = m ? Number(m[1]) : NaN;
  const to = m && m[2] !== undefined ? Number(m[2]) : undefined;
  if (!m || from < 1 || from > MAX_SEQ || (to !== undefined && (to < from || to > MAX_SEQ))) {
    throw badRange(`"seq" must be FROM..TO or FROM.. with 1 ≤ FROM ≤ TO ≤ ${MAX_SEQ}: ${text}`, { seq: text });
  }
  return [from, to];
}

/** The text arguments as an {@link ExportRange}; `station` is the origin of a seq range without one. */
export function exportRangeFromText(t: ExportRangeText, station: StationId): ExportRange {
  const r: ExportRange = {};
  if (t.since !== undefined) r.since = parseExportDate('since', t.since);
  if (t.until !== undefined) r.until = parseExportDate('until', t.until, true);
  if (r.since !== undefined && r.until !== undefined && r.since > r.until) {
    throw badRange(`"since" (${t.since}) is after "until" (${t.until})`, { since: t.since, until: t.until });
  }
  if (t.seq !== undefined) {
    const [from, to] = parseSeqRange(t.seq);
    r.origin = t.origin ?? station;
    r.fromSeq = from;
    if (to !== undefined) r.toSeq = to;
  } else if (t.origin !== undefined) r.origin = t.origin;
  if (t.tables !== undefined && t.tables.length > 0) r.tables = [...t.tables];
  return r;
}
