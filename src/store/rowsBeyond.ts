/**
 * Distinct rows with at least one held change that a vector does not cover: how many rows a peer
 * that holds `vv` lacks from this station (files: the `@files` table; rows: every other table).
 */
import type Database from 'better-sqlite3';
import type { VersionVector } from '../changeset/Changeset.js';

const FILES_TABLE = '@files';

export function rowsBeyond(db: Database.Database, vv: VersionVector, which: 'rows' | 'files'): number {
  // One query; SQLite counts the distinct rows in its own temporary b-tree, so memory does not
  // grow with the table (a new peer lacks every row). Origin names are [A-Z0-9/-] (validated on
  // arrival), so they are safe inside the quoted JSON path.
  const cond = which === 'files' ? 'tbl = ?' : 'tbl <> ?';
  const r = db
    .prepare(
      `SELECT count(*) AS n FROM (SELECT DISTINCT tbl, id FROM radiosync_log
       WHERE ${cond} AND origin IN (SELECT origin FROM radiosync_vv)
         AND seq > COALESCE(json_extract(?, '$."' || origin || '"'), 0))`,
    )
    .get(FILES_TABLE, JSON.stringify(vv)) as { n: number };
  return r.n;
}
