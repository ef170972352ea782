/** How many logged row changes a peer has not acknowledged (what the next changeset would carry). */
import type Database from 'better-sqlite3';
import type { StationId, VersionVector } from '../changeset/Changeset.js';

export function pendingChanges(db: Database.Database, peer: StationId, acked: VersionVector): number {
  const origins = db.prepare('SELECT origin, max(seq) AS top FROM radiosync_log GROUP BY origin').all() as Array<{ origin: string; top: number }>;
  const count = db.prepare('SELECT count(*) AS n FROM radiosync_log WHERE origin = ? AND seq > ?');
  let n = 0;
  for (const o of origins) {
    if (o.origin === peer) continue;
    const from = acked[o.origin] ?? 0;
    if (o.top > from) n += (count.get(o.origin, from) as { n: number }).n;
  }
  return n;
}
