/**
 * Distinct rows with at least one held change that a vector does not cover: how many rows a peer
 * that holds `vv` lacks from this station (files: the `@files` table; rows: every other table).
 */
import type Database from 'better-sqlite3';
import type { VersionVector } from '../changeset/Changeset.js';

const FILES_TABLE = '@files';

export function rowsBeyond(db: Database.Database, vv: VersionVector, which: 'rows' | 'files'): number {
  const origins = db.prepare('SELECT origin FROM radiosync_vv').all() as Array<{ origin: string }>;
  const cond = which === 'files' ? 'tbl = ?' : 'tbl <> ?';
  const q = db.prepare(`SELECT DISTINCT tbl, id FROM radiosync_log WHERE origin = ? AND seq > ? AND ${cond}`);
  const seen = new Set<string>();
  for (const { origin } of origins) {
    for (const r of q.all(origin, vv[origin] ?? 0, FILES_TABLE) as Array<{ tbl: string; id: Uint8Array }>) {
      seen.add(`${r.tbl}\0${Buffer.from(r.id).toString('hex')}`);
    }
  }
  return seen.size;
}
