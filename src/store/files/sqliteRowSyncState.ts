/**
 * The SQLite {@link RowSyncState}: tables files_row_seen, files_pending, files_capture_journal,
 * files_peer_owed and files_problem in the station's database (see src/files/RowSyncState.ts).
 * It shares the database's transactions, so journal rows written inside a FilesDb.tx on the same
 * database commit with the scan state.
 */
import type Database from 'better-sqlite3';
import type { VersionVector } from '../../changeset/Changeset.js';
import type { FileChange } from '../../files/FileEntry.js';
import { sortVv, type FileProblem, type JournalRow, type RowSyncState } from '../../files/RowSyncState.js';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS files_row_seen (id BLOB PRIMARY KEY, ctx TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS files_pending (id BLOB PRIMARY KEY, since INTEGER NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS files_capture_journal (
  n INTEGER PRIMARY KEY, share TEXT NOT NULL, path TEXT NOT NULL, id BLOB NOT NULL, kind TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS files_peer_owed (peer TEXT NOT NULL, id BLOB NOT NULL, PRIMARY KEY (peer, id)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS files_problem (id BLOB PRIMARY KEY, path TEXT NOT NULL, code TEXT NOT NULL, message TEXT NOT NULL, since INTEGER NOT NULL) WITHOUT ROWID;
`;

export class SqliteRowSyncState implements RowSyncState {
  private readonly s: Record<
    'getSeen' | 'putSeen' | 'addPending' | 'dropPending' | 'allPending' | 'countPending' | 'journal' | 'journaled' | 'clearJournal'
    | 'owed' | 'addOwed' | 'dropOwed' | 'dropProblem' | 'putProblem' | 'problems',
    Database.Statement
  >;
  readonly db: Database.Database;

  /** Creates the tables in `db` if missing. The database belongs to the caller. */
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
      dropProblem: db.prepare('DELETE FROM files_problem WHERE id = ?'),
      putProblem: db.prepare(
        'INSERT INTO files_problem (id, path, code, message, since) VALUES (?, ?, ?, ?, ?) ON CONFLICT(id) DO UPDATE SET path = excluded.path, code = excluded.code, message = excluded.message',
      ),
      problems: db.prepare('SELECT path, code, message, since FROM files_problem ORDER BY since DESC, path LIMIT ?'),
    };
  }

  noteProblem(id: Uint8Array, p: FileProblem | undefined): void {
    if (p === undefined) this.s.dropProblem.run(Buffer.from(id));
    else this.s.putProblem.run(Buffer.from(id), p.path, p.code, p.message, p.since);
  }

  problems(limit = 20): FileProblem[] {
    return this.s.problems.all(limit) as FileProblem[];
  }

  seen(id: Uint8Array): VersionVector | undefined {
    const r = this.s.getSeen.get(Buffer.from(id)) as { ctx: string } | undefined;
    return r === undefined ? undefined : (JSON.parse(r.ctx) as VersionVector);
  }

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

  pendingCount(): number {
    return (this.s.countPending.get() as { n: number }).n;
  }

  journal(share: string, changes: FileChange[], paths: string[]): void {
    changes.forEach((c, i) => this.s.journal.run(share, paths[i]!, Buffer.from(c.id), c.kind));
  }

  journaled(): JournalRow[] {
    return (this.s.journaled.all() as Array<{ n: number; share: string; path: string; id: Buffer; kind: string }>).map((r) => ({
      n: r.n, share: r.share, path: r.path, id: new Uint8Array(r.id), kind: r.kind === 'delete' ? 'delete' : 'upsert',
    }));
  }

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
}
