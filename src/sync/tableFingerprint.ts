/**
 * A fingerprint of the synced tables' contents that is comparable across stations: rows keyed by
 * UUID, foreign keys by local integer id replaced by the referenced row's UUID, local-only
 * columns and rows that never sync (excluded by UUID or by the table's exclusion condition) left
 * out (the rows come from store/syncedRows.ts). Equal fingerprints mean identical synced data.
 */
import { createHash } from 'node:crypto';
import type { RecordStore } from '../store/RecordStore.js';
import { syncedRows } from '../store/syncedRows.js';

export interface TableFingerprint {
  table: string;
  rows: number;
  sha256: string;
}

export function tableFingerprints(store: RecordStore): TableFingerprint[] {
  return syncedRows(store).map(({ table, rows }) => {
    const lines = rows.map((r) =>
      JSON.stringify(r.map((v) => (v instanceof Uint8Array ? Buffer.from(v).toString('hex') : typeof v === 'bigint' ? v.toString() : v))),
    );
    lines.sort();
    const h = createHash('sha256');
    for (const l of lines) h.update(l).update('\n');
    return { table, rows: lines.length, sha256: h.digest('hex') };
  });
}
