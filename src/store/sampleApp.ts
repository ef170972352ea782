/**
 * The sample application's own writes (persons, shelters, supply requests; fixtures/gen/sampleApp.ts):
 * plain SQL on the application's database, as the application itself would run it, with no
 * radiosync call in between. Used by `radiosync demo` (src/demo/) for its edits and for a freshly
 * installed station's empty copy.
 */
import Database from 'better-sqlite3';

/** A random version-4 UUID, made by SQLite (as the application does). */
const NEW_UUID =
  "lower(hex(randomblob(4))||'-'||hex(randomblob(2))||'-4'||substr(hex(randomblob(2)),2)||'-8'||substr(hex(randomblob(2)),2)||'-'||hex(randomblob(6)))";

/**
 * Empty the synced tables of the database file at `file` (children first, foreign keys off),
 * keeping the schema and the reference and local tables, then VACUUM it.
 */
export function emptySampleTables(file: string, syncTables: readonly string[]): void {
  const db = new Database(file);
  try {
    db.pragma('foreign_keys = OFF');
    db.transaction(() => {
      for (const t of [...syncTables].reverse()) db.prepare(`DELETE FROM "${t.replace(/"/g, '""')}"`).run();
    })();
    db.exec('VACUUM');
  } finally {
    db.close();
  }
}

/** The sample application's edits on one station's database (the caller's connection). */
export class SampleApp {
  private readonly db: Database.Database;

  constructor(db: Database.Database) {
    this.db = db;
  }

  /** UUIDs of up to `limit` missing persons, in id order. */
  missingPersons(limit: number): string[] {
    return (this.db.prepare(`SELECT uuid FROM person WHERE status = 'missing' ORDER BY id LIMIT ?`).all(limit) as Array<{ uuid: string }>).map((r) => r.uuid);
  }

  /** UUIDs of `limit` persons from the `offset`-th, in id order. */
  persons(limit: number, offset: number): string[] {
    return (this.db.prepare(`SELECT uuid FROM person ORDER BY id LIMIT ? OFFSET ?`).all(limit, offset) as Array<{ uuid: string }>).map((r) => r.uuid);
  }

  setPersonStatus(uuid: string, status: string): void {
    this.db.prepare(`UPDATE person SET status = ? WHERE uuid = ?`).run(status, uuid);
  }

  /** Set a person's phone; without `phone`, a random Nepali mobile number. */
  setPersonPhone(uuid: string, phone?: string): void {
    if (phone === undefined) this.db.prepare(`UPDATE person SET phone = '+977-98' || substr(abs(random()), 1, 8) WHERE uuid = ?`).run(uuid);
    else this.db.prepare(`UPDATE person SET phone = ? WHERE uuid = ?`).run(phone, uuid);
  }

  /** The UUID of the first shelter (by id) that is neither deleted nor closed (the sample database has several). */
  firstOpenShelter(): string {
    return (this.db.prepare(`SELECT uuid FROM shelter WHERE deleted = 0 AND status != 'closed' ORDER BY id LIMIT 1`).get() as { uuid: string }).uuid;
  }

  /** This station's local id of the shelter with `uuid` (which must be there). */
  shelterId(uuid: string): number {
    return (this.db.prepare(`SELECT id FROM shelter WHERE uuid = ?`).get(uuid) as { id: number }).id;
  }

  /** A new open supply request of `quantity` pieces at priority 1. */
  openSupplyRequest(shelterUuid: string, item: string, quantity: number): void {
    this.db
      .prepare(`INSERT INTO supply_request(uuid, shelter_uuid, item, quantity, unit, priority, status, created_on) VALUES (${NEW_UUID}, ?, ?, ?, 'pcs', 1, 'open', datetime('now'))`)
      .run(shelterUuid, item, quantity);
  }

  /** A new person, sheltered at the shelter with local id `shelterId`, no phone. */
  registerArrival(p: { firstName: string; lastName: string; age: number; shelterId: number; notes: string }): void {
    this.db
      .prepare(`INSERT INTO person(uuid, first_name, last_name, age, status, shelter_id, phone, notes) VALUES (${NEW_UUID}, ?, ?, ?, 'sheltered', ?, NULL, ?)`)
      .run(p.firstName, p.lastName, p.age, p.shelterId, p.notes);
  }
}
