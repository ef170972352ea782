/**
 * What folder sync's integration with the record store keeps per `@files` row, in the station's
 * SQLite database next to the other files_* tables:
 *
 *   files_row_seen  id → causal context (JSON VV) that the folder on disk reflects for the row:
 *                   set when a resolved row state is applied (or can never apply). A local edit is
 *                   stamped with this context, so an incoming version that was not written (e.g.
 *                   deferred because the file was being edited) stays concurrent with the edit and
 *                   ends as a conflict copy instead of being silently superseded. Also lets a
 *                   re-delivered changeset skip rows whose state is already on disk.
 *   files_pending   id → since: rows whose apply was deferred (chunks missing, target changed,
 *                   folder not mounted); retried on every later apply.
 *   files_capture_journal  scan changes written in the same transaction as the scan state, until
 *                   the record store has them (a crash between the two replays them).
 *   files_peer_owed (peer, id): rows a peer acknowledged without holding all their chunks yet (a
 *                   changeset's chunks were capped); their chunks go out in later changesets.
 */
import type Database from 'better-sqlite3';
import type { VersionVector } from '../changeset/Changeset.js';
import type { FileChange } from './FileEntry.js';

export interface JournalRow {
  n: number;
  share: string;
  path: string;
  id: Uint8Array;
  kind: 'upsert' | 'delete';
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS files_row_seen (id BLOB PRIMARY KEY, ctx TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS files_pending (id BLOB PRIMARY KEY, since INTEGER NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS files_capture_journal (
  n INTEGER PRIMARY KEY, share TEXT NOT NULL, path TEXT NOT NULL, id BLOB NOT NULL, kind TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS files_peer_owed (peer TEXT NOT NULL, id BLOB NOT NULL, PRIMARY KEY (peer, id)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS files_problem (id BLOB PRIMARY KEY, path TEXT NOT NULL, code TEXT NOT NULL, message TEXT NOT NULL, since INTEGER NOT NULL) WITHOUT ROWID;
`;

/** An entry that could not be applied (rejected, or deferred by a disk error), with its error: shown in `status`. */
export interface FileProblem {
  path: string;
  code: string;
  message: string;
  since: number;
}

export class RowSyncState {
  private readonly s: Record<
    'getSeen' | 'putSeen' | 'addPending' | 'dropPending' | 'allPending' | 'countPending' | 'journal' | 'journaled' | 'clearJournal'
    | 'owed' | 'addOwed' | 'dropOwed',
    Database.Statement
  >;
  readonly db: Database.Database;

  constructor(db: Database.Database) {
    this.db = db;
    db.exec(SCHEMA);
    this.s = {
      getSeen: db.prepare('SELECT ctx FROM files_row_seen WHERE id = ?'),
      putSeen: db.prepare('INSERT INTO files_row_seen (id, ctx) VALUES (?, ?) ON CONFLICT(id) DO UPDATE SET ctx = excluded.ctx'),
      addPending: db.prepare('INSERT OR IGNORE INTO files_pending (id, since) VALUES (?, ?)'),
      dropPending: db.prepare('DELETE FROM files_pending WHERE id = ?'),
      allPending: db.prepare('SELECT id FROM files_pending ORDER BY since, id'),
      countPending: db.prepare('SELECT count(*) AS n FROM files_pending'),
      journal: db.prepare('INSERT INTO files_capture_journal (share, path, id, kind) VALUES (?, ?, ?, ?)'),
      journaled: db.prepare('SELECT n, share, path, id, kind FROM files_capture_journal ORDER BY n'),
      clearJournal: db.prepare('DELETE FROM files_capture_journal WHERE n <= ?'),
      owed: db.prepare('SELECT id FROM files_peer_owed WHERE peer = ? ORDER BY id'),
      addOwed: db.prepare('INSERT OR IGNORE INTO files_peer_owed (peer, id) VALUES (?, ?)'),
      dropOwed: db.prepare('DELETE FROM files_peer_owed WHERE peer = ? AND id = ?'),
    };
  }

  /** Record (or clear, with `undefined`) the problem of a row's last apply. */
  noteProblem(id: Uint8Array, p: FileProblem | undefined): void {
    if (p === undefined) this.db.prepare('DELETE FROM files_problem WHERE id = ?').run(Buffer.from(id));
    else {
      this.db.prepare('INSERT INTO files_problem (id, path, code, message, since) VALUES (?, ?, ?, ?, ?) ON CONFLICT(id) DO UPDATE SET path = excluded.path, code = excluded.code, message = excluded.message')
        .run(Buffer.from(id), p.path, p.code, p.message, p.since);
    }
  }

  problems(limit = 20): FileProblem[] {
    return this.db.prepare('SELECT path, code, message, since FROM files_problem ORDER BY since DESC, path LIMIT ?').all(limit) as FileProblem[];
  }

  /** The context the disk reflects for a row (undefined: never applied here). */
  seen(id: Uint8Array): VersionVector | undefined {
    const r = this.s.getSeen.get(Buffer.from(id)) as { ctx: string } | undefined;
    return r === undefined ? undefined : (JSON.parse(r.ctx) as VersionVector);
  }

  /** Record rows as applied (and no longer pending), in one transaction. */
  markApplied(rows: Iterable<{ id: Uint8Array; vv: VersionVector }>): void {
    this.db.transaction(() => {
      for (const r of rows) {
        const key = Buffer.from(r.id);
        this.s.putSeen.run(key, JSON.stringify(sortVv(r.vv)));
        this.s.dropPending.run(key);
      }
    })();
  }

  markPending(ids: Iterable<Uint8Array>, now: number): void {
    this.db.transaction(() => {
      for (const id of ids) this.s.addPending.run(Buffer.from(id), now);
    })();
  }

  pending(): Uint8Array[] {
    return (this.s.allPending.all() as Array<{ id: Buffer }>).map((r) => new Uint8Array(r.id));
  }

  /** Journal scan changes (call inside the scan-state transaction: ScanOptions.journal). */
  journal(share: string, changes: FileChange[], paths: string[]): void {
    changes.forEach((c, i) => this.s.journal.run(share, paths[i]!, Buffer.from(c.id), c.kind));
  }

  journaled(): JournalRow[] {
    return (this.s.journaled.all() as Array<{ n: number; share: string; path: string; id: Buffer; kind: string }>).map((r) => ({
      n: r.n, share: r.share, path: r.path, id: new Uint8Array(r.id), kind: r.kind === 'delete' ? 'delete' : 'upsert',
    }));
  }

  /** The record store holds journal rows up to `n`. */
  clearJournal(n: number): void {
    this.s.clearJournal.run(n);
  }

  owed(peer: string): Uint8Array[] {
    return (this.s.owed.all(peer) as Array<{ id: Buffer }>).map((r) => new Uint8Array(r.id));
  }

  setOwed(peer: string, rows: Iterable<{ id: Uint8Array; owed: boolean }>): void {
    this.db.transaction(() => {
      for (const r of rows) (r.owed ? this.s.addOwed : this.s.dropOwed).run(peer, Buffer.from(r.id));
    })();
  }

  pendingCount(): number {
    return (this.s.countPending.get() as { n: number }).n;
  }
}

/** Same vector, keys sorted (so equal vectors compare equal as JSON). */
export function sortVv(vv: VersionVector): VersionVector {
  const out: VersionVector = {};
  for (const k of Object.keys(vv).sort()) if ((vv[k] ?? 0) > 0) out[k] = vv[k]!;
  return out;
}

export function sameVv(a: VersionVector | undefined, b: VersionVector): boolean {
  return a !== undefined && JSON.stringify(sortVv(a)) === JSON.stringify(sortVv(b));
}
