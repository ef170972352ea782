/**
 * Station-local state that is not record data: the heard list, the session log, counters of
 * dropped input, and the budget ledger. Lives in <home>/station.sqlite.
 */
import Database from 'better-sqlite3';

/** Heard-list rows kept (oldest heard dropped first). */
export const MAX_HEARD = 256;
/** Heard-list updates between trims back to the bound. */
export const HEARD_TRIM_EVERY = 32;
/** Session-log rows kept. */
export const MAX_SESSIONS = 1000;

const DDL = `
CREATE TABLE IF NOT EXISTS station_heard (
  callsign TEXT PRIMARY KEY, first_heard INTEGER NOT NULL, last_heard INTEGER NOT NULL,
  frames INTEGER NOT NULL DEFAULT 0, radiosync INTEGER NOT NULL DEFAULT 0, last_info TEXT);
CREATE TABLE IF NOT EXISTS station_session (
  id INTEGER PRIMARY KEY AUTOINCREMENT, kind TEXT NOT NULL, peers TEXT NOT NULL,
  started INTEGER NOT NULL, ended INTEGER, ok INTEGER, summary TEXT);
CREATE TABLE IF NOT EXISTS station_counter (name TEXT PRIMARY KEY, value INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS station_kv (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS station_peer_state (callsign TEXT PRIMARY KEY, out_of_use INTEGER NOT NULL DEFAULT 0);
`;

export interface HeardEntry {
  callsign: string;
  firstHeard: number;
  lastHeard: number;
  frames: number;
  /** Frames that were radiosync frames (vs. other AX.25 traffic). */
  radiosync: number;
  lastInfo: string | null;
}

export interface SessionRecord {
  id: number;
  kind: string;
  peers: string[];
  started: number;
  ended: number | null;
  ok: boolean | null;
  summary: Record<string, unknown> | null;
}

export class StationLog {
  readonly db: Database.Database;
  private readonly maxHeard: number;
  private heardSinceTrim = 0;

  /** `maxHeard`: heard-list rows kept (config `limits.heard_list`; default {@link MAX_HEARD}). */
  constructor(file: string | Database.Database, maxHeard: number = MAX_HEARD) {
    this.maxHeard = maxHeard;
    this.db = typeof file === 'string' ? new Database(file) : file;
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('busy_timeout = 5000');
    this.db.exec(DDL);
  }

  heard(callsign: string, now: number, radiosync: boolean, info?: string): void {
    this.db
      .prepare(
        `INSERT INTO station_heard(callsign, first_heard, last_heard, frames, radiosync, last_info) VALUES (?, ?, ?, 1, ?, ?)
         ON CONFLICT(callsign) DO UPDATE SET last_heard = excluded.last_heard, frames = frames + 1,
           radiosync = radiosync + excluded.radiosync, last_info = COALESCE(excluded.last_info, last_info)`,
      )
      .run(callsign, now, now, radiosync ? 1 : 0, info ?? null);
    // trim to the bound now and then, not on every frame (a flood of fake callsigns overshoots it
    // by at most HEARD_TRIM_EVERY rows between trims)
    if (++this.heardSinceTrim >= HEARD_TRIM_EVERY) {
      this.heardSinceTrim = 0;
      this.db
        .prepare(`DELETE FROM station_heard WHERE callsign NOT IN (SELECT callsign FROM station_heard ORDER BY last_heard DESC LIMIT ?)`)
        .run(this.maxHeard);
    }
  }

  heardList(): HeardEntry[] {
    return (this.db.prepare('SELECT * FROM station_heard ORDER BY last_heard DESC LIMIT ?').all(this.maxHeard) as Array<Record<string, unknown>>).map((r) => ({
      callsign: r.callsign as string,
      firstHeard: r.first_heard as number,
      lastHeard: r.last_heard as number,
      frames: r.frames as number,
      radiosync: r.radiosync as number,
      lastInfo: (r.last_info as string | null) ?? null,
    }));
  }

  lastHeard(callsign: string): number | null {
    const r = this.db.prepare('SELECT last_heard FROM station_heard WHERE callsign = ?').get(callsign) as { last_heard: number } | undefined;
    return r?.last_heard ?? null;
  }

  startSession(kind: string, peers: string[], now: number): number {
    const id = Number(this.db.prepare('INSERT INTO station_session(kind, peers, started) VALUES (?, ?, ?)').run(kind, JSON.stringify(peers), now).lastInsertRowid);
    this.db.prepare('DELETE FROM station_session WHERE id <= ?').run(id - MAX_SESSIONS);
    return id;
  }

  endSession(id: number, now: number, ok: boolean, summary: Record<string, unknown>): void {
    this.db
      .prepare('UPDATE station_session SET ended = ?, ok = ?, summary = ? WHERE id = ?')
      .run(now, ok ? 1 : 0, JSON.stringify(summary, (_k, v) => (typeof v === 'bigint' ? v.toString() : v)), id);
  }

  sessions(limit = 10): SessionRecord[] {
    return (this.db.prepare('SELECT * FROM station_session ORDER BY id DESC LIMIT ?').all(limit) as Array<Record<string, unknown>>).map((r) => ({
      id: r.id as number,
      kind: r.kind as string,
      peers: JSON.parse(r.peers as string) as string[],
      started: r.started as number,
      ended: (r.ended as number | null) ?? null,
      ok: r.ok === null ? null : r.ok === 1,
      summary: r.summary === null ? null : (JSON.parse(r.summary as string) as Record<string, unknown>),
    }));
  }

  bump(name: string, by = 1): void {
    this.db.prepare('INSERT INTO station_counter(name, value) VALUES (?, ?) ON CONFLICT(name) DO UPDATE SET value = value + excluded.value').run(name, by);
  }

  counters(): Record<string, number> {
    return Object.fromEntries((this.db.prepare('SELECT name, value FROM station_counter').all() as Array<{ name: string; value: number }>).map((r) => [r.name, r.value]));
  }

  getJson<T>(key: string): T | undefined {
    const r = this.db.prepare('SELECT value FROM station_kv WHERE key = ?').get(key) as { value: string } | undefined;
    return r === undefined ? undefined : (JSON.parse(r.value) as T);
  }

  setJson(key: string, value: unknown): void {
    this.db.prepare('INSERT INTO station_kv(key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value').run(key, JSON.stringify(value));
  }

  setOutOfUse(callsign: string, outOfUse: boolean): void {
    this.db
      .prepare('INSERT INTO station_peer_state(callsign, out_of_use) VALUES (?, ?) ON CONFLICT(callsign) DO UPDATE SET out_of_use = excluded.out_of_use')
      .run(callsign, outOfUse ? 1 : 0);
  }

  outOfUse(callsign: string): boolean {
    const r = this.db.prepare('SELECT out_of_use FROM station_peer_state WHERE callsign = ?').get(callsign) as { out_of_use: number } | undefined;
    return r?.out_of_use === 1;
  }

  close(): void {
    this.db.close();
  }
}
