/**
 * The synced contents of each table, comparable across stations: per row, the UUID, the synced
 * fields and the deleted flag, with a foreign key by local integer id replaced by the referenced
 * row's UUID (`dangling:<id>` if it references nothing); rows that never sync (excluded by UUID or
 * by the table's exclusion condition) left out. Read by src/sync/tableFingerprint.ts.
 */
import type { RecordStore } from './RecordStore.js';

export interface SyncedTableRows {
  table: string;
  /** UUID column, the synced fields, then the deleted column if the table has one. */
  columns: string[];
  /** One array of values per row, in `columns` order (any row order). */
  rows: unknown[][];
}

export function syncedRows(store: RecordStore): SyncedTableRows[] {
  const db = store.db;
  return store.tables().map((spec) => {
    const columns = [spec.uuidColumn, ...spec.fields, ...(spec.deletedColumn ? [spec.deletedColumn] : [])];
    const lookups = new Map<string, (v: unknown) => unknown>();
    for (const c of columns) {
      const fk = spec.fks.get(c);
      if (fk !== undefined && fk.targetColumn !== fk.uuidColumn) {
        const q = db.prepare(`SELECT "${fk.uuidColumn}" AS u FROM "${fk.table}" WHERE "${fk.targetColumn}" = ?`);
        lookups.set(c, (v) => (v === null ? null : ((q.get(v) as { u: string } | undefined)?.u ?? `dangling:${String(v)}`)));
      }
    }
    const where = spec.exclude ? ` WHERE NOT coalesce((${spec.exclude}), 0)` : '';
    const raw = (db.prepare(`SELECT * FROM "${spec.name}"${where}`).all() as Array<Record<string, unknown>>).filter(
      (r) => typeof r[spec.uuidColumn] !== 'string' || !spec.excludeUuids.has((r[spec.uuidColumn] as string).toLowerCase()),
    );
    const rows = raw.map((r) => columns.map((c) => {
      const f = lookups.get(c);
      return f ? f(r[c]) : r[c];
    }));
    return { table: spec.name, columns, rows };
  });
}
