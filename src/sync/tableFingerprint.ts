/**
 * A fingerprint of the synced tables' contents that is comparable across stations: rows keyed by
 * UUID, foreign keys by local integer id replaced by the referenced row's UUID, local-only
 * columns and rows that never sync (excluded by UUID or by the table's exclusion condition) left
 * out. Equal fingerprints mean identical synced data.
 */
import { createHash } from 'node:crypto';
import type { RecordStore } from '../store/RecordStore.js';

export interface TableFingerprint {
  table: string;
  rows: number;
  sha256: string;
}

export function tableFingerprints(store: RecordStore): TableFingerprint[] {
  const db = store.db;
  return store.tables().map((spec) => {
    const cols = [spec.uuidColumn, ...spec.fields, ...(spec.deletedColumn ? [spec.deletedColumn] : [])];
    const lookups = new Map<string, (v: unknown) => unknown>();
    for (const c of cols) {
      const fk = spec.fks.get(c);
      if (fk !== undefined && fk.targetColumn !== fk.uuidColumn) {
        const q = db.prepare(`SELECT "${fk.uuidColumn}" AS u FROM "${fk.table}" WHERE "${fk.targetColumn}" = ?`);
        lookups.set(c, (v) => (v === null ? null : ((q.get(v) as { u: string } | undefined)?.u ?? `dangling:${String(v)}`)));
      }
    }
    const where = spec.exclude ? ` WHERE NOT coalesce((${spec.exclude}), 0)` : '';
    const rows = (db.prepare(`SELECT * FROM "${spec.name}"${where}`).all() as Array<Record<string, unknown>>).filter(
      (r) => typeof r[spec.uuidColumn] !== 'string' || !spec.excludeUuids.has((r[spec.uuidColumn] as string).toLowerCase()),
    );
    const lines = rows.map((r) =>
      JSON.stringify(cols.map((c) => {
        const f = lookups.get(c);
        const v = f ? f(r[c]) : r[c];
        return v instanceof Uint8Array ? Buffer.from(v).toString('hex') : typeof v === 'bigint' ? v.toString() : v;
      })),
    );
    lines.sort();
    const h = createHash('sha256');
    for (const l of lines) h.update(l).update('\n');
    return { table: spec.name, rows: lines.length, sha256: h.digest('hex') };
  });
}
