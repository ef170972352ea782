/**
 * Type affinity (docs/records.md, "Values and column types"): a value from a peer is written only
 * if it fits the column's declared type, by SQLite's own affinity rules (§3.1 of
 * https://sqlite.org/datatype3.html, applied to the declared type name):
 *
 * | declared type contains | affinity | accepts |
 * |---|---|---|
 * | INT | INTEGER | null, booleans, integers (number or bigint) |
 * | CHAR, CLOB or TEXT | TEXT | null, strings |
 * | BLOB, or no type | BLOB | anything |
 * | REAL, FLOA or DOUB | REAL | null, booleans, numbers, bigints |
 * | otherwise (NUMERIC, DECIMAL, DATE, BOOLEAN…) | NUMERIC | anything but byte strings |
 *
 * SQLite itself would store text in an INTEGER column silently; radiosync parks the row instead
 * (`radiosync_parked`, reason `type: …`, shown in `status`) until a later change gives the field
 * a value that fits. UUID references are checked after they are turned into local keys.
 */
import type { FieldValue } from '../changeset/Changeset.js';

export type Affinity = 'INTEGER' | 'TEXT' | 'BLOB' | 'REAL' | 'NUMERIC';

/** Declared type → affinity, remembered (a handful of distinct names; asked for every value applied). */
const affinities = new Map<string, Affinity>();

export function affinityOf(declared: string): Affinity {
  let a = affinities.get(declared);
  if (a === undefined) {
    a = affinityOfName(declared);
    if (affinities.size < 1024) affinities.set(declared, a);
  }
  return a;
}

function affinityOfName(declared: string): Affinity {
  const t = declared.toUpperCase();
  if (t.includes('INT')) return 'INTEGER';
  if (t.includes('CHAR') || t.includes('CLOB') || t.includes('TEXT')) return 'TEXT';
  if (t.includes('BLOB') || t.trim() === '') return 'BLOB';
  if (t.includes('REAL') || t.includes('FLOA') || t.includes('DOUB')) return 'REAL';
  return 'NUMERIC';
}

export function valueKind(v: FieldValue): string {
  if (v === null) return 'null';
  if (v instanceof Uint8Array) return 'bytes';
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'real';
  if (typeof v === 'bigint') return 'integer';
  return typeof v === 'string' ? 'text' : 'boolean';
}

/** Undefined when `v` fits `declared`, else the reason it does not. */
export function misfit(declared: string, v: FieldValue): string | undefined {
  if (v === null) return undefined;
  const a = affinityOf(declared);
  const k = valueKind(v);
  const ok =
    a === 'BLOB' ? true
    : a === 'INTEGER' ? k === 'integer' || k === 'boolean'
    : a === 'TEXT' ? k === 'text'
    : a === 'REAL' ? k === 'integer' || k === 'real' || k === 'boolean'
    : k !== 'bytes';
  return ok ? undefined : `${declared || 'untyped'} column (${a} affinity) cannot hold a ${k} value`;
}
