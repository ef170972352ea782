/** How many rows the synced tables hold and how many entries the change log holds (for `status`). */
import type { RecordStore } from './RecordStore.js';

export interface RowCounts {
  /** Rows in all synced tables together (excluded and deleted rows included). */
  rows: number;
  /** Entries in radiosync_log. */
  logEntries: number;
}

export function rowCounts(store: RecordStore): RowCounts {
  const db = store.db;
  const rows = store.tables().reduce((n, t) => n + (db.prepare(`SELECT count(*) AS n FROM "${t.name}"`).get() as { n: number }).n, 0);
  const logEntries = (db.prepare('SELECT count(*) AS n FROM radiosync_log').get() as { n: number }).n;
  return { rows, logEntries };
}
