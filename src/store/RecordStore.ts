/**
 * The record store: radiosync attached to an application's SQLite database.
 *
 * ```ts
 * const store = RecordStore.init('app.sqlite', { station: 'N0CALL', tables: [{ name: 'person' }, …] });
 * const cs = store.buildChangeset('EA4XYZ');      // what EA4XYZ has not acknowledged
 * const r = other.applyChangeset(cs);             // one transaction, exactly once
 * store.acknowledge('EA4XYZ', r.ack);             // only after the peer applied it durably
 * ```
 */
import Database from 'better-sqlite3';
import type { Changeset, StationId, VersionVector } from '../changeset/Changeset.js';
import { systemClock, type Clock } from '../clock/Clock.js';
import { isRadiosyncError, makeError } from '../errors/RadiosyncError.js';
import { STORE_ERRORS } from './errors.js';
import { BUSY_TIMEOUT_MS, DEFAULT_RELAY_QUOTA_BYTES, DEFAULT_RELAY_QUOTA_ROWS, MAX_CLOCK_DRIFT_MS, STORE_SCHEMA_VERSION } from './limits.js';
import { STORE_DDL, installTriggers, dropTriggers, migrateStore, storeSchemaCurrent } from './schema.js';
import { resolveTableSpec, quoteIdent, type ConflictResolver, type TableOptions, type TableSpec } from './tables.js';
import { getMeta, setMeta, localVv, stmt, type OriginAuth, type StoreContext } from './StoreContext.js';
import { ingestCaptures, type CaptureStats } from './capture.js';
import { buildChangeset, type BuildOptions } from './build.js';
import { buildRunChangesets, type Dot } from './buildRuns.js';
import { DEFAULT_MAX_CHANGES } from './limits.js';
import { applyChangeset, parkedCount, retryParked, type ApplyResult } from './apply.js';
import { acknowledge, getPeer, listPeers, resetAcked, touchPeer, upsertPeer, type PeerInfo, type PeerRecord } from './peers.js';
import { exportChanges, writeChangesJson, type ChangesExport, type ExportRange } from './exportJson.js';
import { bytesToUuid, uuidToBytes } from './uuid.js';
import { listConflicts, resolveConflict, showConflict, type ConflictDetail, type ConflictRecord, type ConflictResolution, type ListConflictsOptions, type ResolveResult } from './conflicts.js';
import { addUuids, checkUuidColumn, needsUuids } from './addUuids.js';
import { migrateTables, tablesToMigrate, type TableMigration } from './migrate.js';
import { appendLocalChanges, type LocalChange } from './localChanges.js';
import { listRefused, type RefusedRun } from './originRuns.js';
import { rowHistory, rowIds, rowIdsInRanges } from './rowHistory.js';
import type { HeldChange } from './merge.js';
import type { RowChange } from '../changeset/Changeset.js';

export type { ConflictDetail, ConflictRecord, ConflictResolution, ListConflictsOptions, ResolveResult } from './conflicts.js';
/** Rows read per slice of the snapshot `init` takes of existing rows. */
export const SNAPSHOT_SLICE = 10_000;

export interface OpenOptions {
  clock?: Clock;
  /** How far a remote HLC may drag this station's clock (default {@link MAX_CLOCK_DRIFT_MS}). */
  maxDriftMs?: number;
  /** Custom conflict resolvers, by table name, for tables whose policy is `custom`. */
  resolvers?: Record<string, ConflictResolver>;
  /** Per-sender quota for rows held only for relaying (default {@link DEFAULT_RELAY_QUOTA_ROWS}). */
  relayQuotaRows?: number;
  /** … and bytes of their field data (default {@link DEFAULT_RELAY_QUOTA_BYTES}). */
  relayQuotaBytes?: number;
}

export interface InitOptions extends OpenOptions {
  station: StationId;
  tables: TableOptions[];
  /**
   * Capture the rows already in the tables as this station's inserts (default true). Leave it on
   * for the first station; a station started from a copy of an initialised database uses `adoptCopy`.
   */
  snapshot?: boolean;
  /**
   * The file is a copy of another station's initialised database: keep its log (those rows are
   * already known everywhere), take the new station id, and forget the original's peers.
   */
  adoptCopy?: boolean;
  /**
   * Tables whose UUID column is missing or has rows without a UUID get one (src/store/addUuids.ts):
   * the column, a v4 UUID in every row, a UNIQUE index, and an insert trigger for the app's new rows.
   */
  addUuids?: boolean;
}

function openDb(file: string | Database.Database): Database.Database {
  const db = typeof file === 'string' ? new Database(file) : file;
  db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
  return db;
}

/** SQLite's "database is locked" after the busy timeout becomes a typed, retryable error. */
function busy<T>(fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    const code = String((e as { code?: unknown }).code ?? '');
    if (code === 'SQLITE_BUSY' || code === 'SQLITE_LOCKED') {
      throw makeError(STORE_ERRORS, 'RS_ERR_STORE_BUSY', 'the application database stayed locked past the busy timeout', { code }, e);
    }
    if (code === 'SQLITE_FULL') {
      throw makeError(STORE_ERRORS, 'RS_ERR_STORE_NO_SPACE', 'the disk holding the database is full; the transaction was rolled back', { code }, e);
    }
    throw e;
  }
}

function notInit(message: string): Error {
  return makeError(STORE_ERRORS, 'RS_ERR_STORE_NOT_INITIALISED', message, {});
}

export class RecordStore {
  private constructor(private readonly ctx: StoreContext) {}

  /** Start syncing the given tables of an application database (idempotent; run again after a migration). */
  static init(file: string | Database.Database, opts: InitOptions): RecordStore {
    const db = openDb(file);
    const ctx: StoreContext = {
      db,
      station: opts.station,
      clock: opts.clock ?? systemClock,
      maxDriftMs: opts.maxDriftMs ?? MAX_CLOCK_DRIFT_MS,
      specs: new Map(),
      resolvers: opts.resolvers ?? {},
      cache: new Map(),
      relayQuota: { rows: opts.relayQuotaRows ?? DEFAULT_RELAY_QUOTA_ROWS, bytes: opts.relayQuotaBytes ?? DEFAULT_RELAY_QUOTA_BYTES },
    };
    // One transaction: a refused init (a missing table or column, a bad UUID) leaves the file as it was.
    try {
      RecordStore.initIn(ctx, opts);
    } catch (e) {
      if (typeof file === 'string') db.close();
      throw e;
    }
    return new RecordStore(ctx);
  }

  private static initIn(ctx: StoreContext, opts: InitOptions): void {
    const db = ctx.db;
    busy(() => db.transaction(() => {
      db.exec(STORE_DDL);
      migrateStore(db);
      const version = getMeta(ctx, 'schema_version');
      if (version !== undefined && Number(version) > STORE_SCHEMA_VERSION) {
        throw makeError(STORE_ERRORS, 'RS_ERR_STORE_SCHEMA_VERSION', `store schema ${String(version)} is newer than ${STORE_SCHEMA_VERSION}`, {
          version: Number(version),
        });
      }
      setMeta(ctx, 'schema_version', STORE_SCHEMA_VERSION);
      const had = getMeta(ctx, 'station');
      if (typeof had === 'string' && had !== opts.station) {
        if (opts.adoptCopy !== true) {
          throw makeError(STORE_ERRORS, 'RS_ERR_STORE_CONFIG', `database belongs to station ${had}, not ${opts.station} (use adoptCopy for a copy)`, {
            station: had,
          });
        }
        db.exec('DELETE FROM radiosync_peer; DELETE FROM radiosync_applied; DELETE FROM radiosync_capture');
        setMeta(ctx, 'seq', Number(localVv(ctx)[opts.station] ?? 0));
      }
      setMeta(ctx, 'station', opts.station);
      const old = new Map(
        (db.prepare('SELECT name, options FROM radiosync_tables').all() as Array<{ name: string; options: string }>).map((r) => [
          r.name,
          JSON.parse(r.options) as TableOptions,
        ]),
      );
      for (const n of old.keys()) dropTriggers(db, n);
      db.exec('DELETE FROM radiosync_tables');
      for (const t of opts.tables) {
        const was = old.get(t.name);
        const uuidColumn = t.uuidColumn ?? 'uuid';
        if (was !== undefined && (was.uuidColumn ?? 'uuid') !== uuidColumn && db.prepare('SELECT 1 FROM radiosync_log WHERE tbl = ? LIMIT 1').get(t.name) !== undefined) {
          throw makeError(STORE_ERRORS, 'RS_ERR_STORE_CONFIG', `table ${t.name} already syncs by UUID column ${was.uuidColumn ?? 'uuid'}; its UUID column cannot change to ${uuidColumn}`, {
            table: t.name,
            uuidColumn,
            option: 'uuidColumn',
          });
        }
        if (opts.addUuids === true) {
          if (opts.adoptCopy === true && needsUuids(db, t.name, uuidColumn)) {
            // UUIDs made here for a copy's rows would make them other rows than the original's
            throw makeError(STORE_ERRORS, 'RS_ERR_STORE_CONFIG', `table ${t.name} of a copied database has rows without a UUID: add the UUIDs at the original station, then copy it`, {
              table: t.name,
              option: 'adoptCopy',
            });
          }
          addUuids(db, t.name, uuidColumn, t.uuidPrefix ?? '');
        }
        const spec = resolveTableSpec(db, t, opts.tables);
        checkUuidColumn(db, spec.name, spec.uuidColumn, spec.uuidPrefix);
        const { policy, ...rest } = t;
        const stored = { ...rest, policy: policy ?? 'newer' };
        db.prepare('INSERT INTO radiosync_tables(name, options) VALUES (?, ?)').run(t.name, JSON.stringify(stored));
        installTriggers(db, spec);
        ctx.specs.set(spec.name, spec);
      }
      if (opts.snapshot !== false && !(typeof had === 'string' && had !== opts.station)) {
        // Rows present before radiosync arrived, and not yet in the log, become this station's inserts.
        // In slices of SNAPSHOT_SLICE rows, each turned into log entries before the next is read:
        // memory stays bounded whatever the table's size (still one transaction).
        for (const spec of ctx.specs.values()) {
          const u = quoteIdent(spec.uuidColumn);
          const t = quoteIdent(spec.name);
          const firstPage = db.prepare(`SELECT rowid AS r, ${u} AS u FROM ${t} ORDER BY rowid LIMIT ${SNAPSHOT_SLICE}`).safeIntegers(true);
          const nextPage = db.prepare(`SELECT rowid AS r, ${u} AS u FROM ${t} WHERE rowid > ? ORDER BY rowid LIMIT ${SNAPSHOT_SLICE}`).safeIntegers(true);
          const held = db.prepare('SELECT 1 FROM radiosync_log WHERE tbl = ? AND id = ? LIMIT 1');
          const known = (text: string): boolean => {
            const lower = text.toLowerCase();
            try {
              const id = uuidToBytes(lower, spec.uuidPrefix);
              return bytesToUuid(id, spec.uuidPrefix) === lower && held.get(spec.name, Buffer.from(id)) !== undefined;
            } catch {
              return false; // not a UUID: captured, and counted as bad by the ingest
            }
          };
          const ins = db.prepare(`INSERT INTO radiosync_capture(tbl, op, uuid) VALUES (?, 'i', ?)`);
          for (let page = firstPage.all() as Array<{ r: bigint; u: unknown }>; page.length > 0; page = nextPage.all(page[page.length - 1]!.r) as typeof page) {
            for (const r of page) if (typeof r.u === 'string' && !known(r.u)) ins.run(spec.name, r.u);
            ingestCaptures(ctx);
          }
        }
      }
      ingestCaptures(ctx);
    }).immediate());
  }

  /** Open an initialised database. */
  static open(file: string | Database.Database, opts: OpenOptions = {}): RecordStore {
    const db = openDb(file);
    const exists = db.prepare(`SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'radiosync_meta'`).get();
    if (exists === undefined) throw notInit('database has no radiosync tables; run init first');
    const ctx: StoreContext = {
      db,
      station: '',
      clock: opts.clock ?? systemClock,
      maxDriftMs: opts.maxDriftMs ?? MAX_CLOCK_DRIFT_MS,
      specs: new Map(),
      resolvers: opts.resolvers ?? {},
      cache: new Map(),
      relayQuota: { rows: opts.relayQuotaRows ?? DEFAULT_RELAY_QUOTA_ROWS, bytes: opts.relayQuotaBytes ?? DEFAULT_RELAY_QUOTA_BYTES },
    };
    const version = Number(getMeta(ctx, 'schema_version') ?? 0);
    if (version > STORE_SCHEMA_VERSION) {
      throw makeError(STORE_ERRORS, 'RS_ERR_STORE_SCHEMA_VERSION', `store schema ${version} is newer than ${STORE_SCHEMA_VERSION}`, { version });
    }
    const station = getMeta(ctx, 'station');
    if (typeof station !== 'string') throw notInit('database has no station id; run init first');
    if (version < STORE_SCHEMA_VERSION || !storeSchemaCurrent(db)) {
      db.transaction(() => {
        db.exec(STORE_DDL);
        migrateStore(db);
        setMeta(ctx, 'schema_version', STORE_SCHEMA_VERSION);
      }).immediate();
    }
    ctx.station = station;
    const all = (db.prepare('SELECT options FROM radiosync_tables').all() as Array<{ options: string }>).map(
      (r) => JSON.parse(r.options) as TableOptions,
    );
    for (const t of all) {
      try {
        ctx.specs.set(t.name, resolveTableSpec(db, t, all));
      } catch (e) {
        if (!isRadiosyncError(e, 'RS_ERR_STORE_CONFIG')) throw e; // a column it uses is gone: the migration check names it
      }
    }
    for (const spec of ctx.specs.values()) {
      if (spec.policy === 'custom' && ctx.resolvers[spec.name] === undefined) {
        throw makeError(STORE_ERRORS, 'RS_ERR_STORE_CONFIG', `table ${spec.name} has policy custom but no resolver was given`, {
          table: spec.name,
        });
      }
    }
    const store = new RecordStore(ctx);
    store.migrateIfNeeded(true);
    return store;
  }

  /** Migrations done by this store (at open, before a capture, or by {@link migrate}). */
  private readonly migrationsDone: TableMigration[] = [];
  private schemaCookie = -1;

  /**
   * Detect a schema migration of the synced tables (src/store/migrate.ts) and carry it out: at
   * open, and before each capture, build and apply when SQLite's schema cookie moved.
   */
  private migrateIfNeeded(force = false): TableMigration[] {
    const cookie = Number(this.ctx.db.pragma('schema_version', { simple: true }));
    if (!force && cookie === this.schemaCookie) return [];
    const all = this.tableOptions();
    let done: TableMigration[] = [];
    if (all.length !== this.ctx.specs.size || tablesToMigrate(this.ctx, all).length > 0) {
      done = this.migrating(() => migrateTables(this.ctx, all));
    }
    this.schemaCookie = Number(this.ctx.db.pragma('schema_version', { simple: true }));
    return done;
  }

  /** Application tables that are not synced (a table the application added shows here until it is listed). */
  unsyncedTables(): string[] {
    const rows = stmt(this.ctx, `SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'radiosync\\_%' ESCAPE '\\' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name`).all() as Array<{ name: string }>;
    return rows.map((r) => r.name).filter((n) => !this.ctx.specs.has(n));
  }

  /** One migration transaction; on failure the specs are as before (the transaction rolled back). */
  private migrating(fn: () => TableMigration[]): TableMigration[] {
    const specs = new Map(this.ctx.specs);
    let done: TableMigration[];
    try {
      done = busy(() => this.ctx.db.transaction(fn).immediate());
    } catch (e) {
      this.ctx.specs = specs;
      throw e;
    } finally {
      this.ctx.cache.clear();
      this.ctx.safeCache?.clear();
    }
    this.migrationsDone.push(...done);
    return done;
  }

  /**
   * `radiosync migrate`: check the synced tables against their triggers now, migrate those that
   * changed, and return every migration this store has done since it opened.
   */
  migrate(): TableMigration[];
  /**
   * With `sql`: run the application's own migration script under radiosync, in one transaction
   * with the check: the capture triggers are lifted first (SQLite refuses to drop a column a
   * trigger names), every synced table is then compared with the log (writes the script made
   * become local changes), and a script that removes a column radiosync relies on is rolled back
   * whole (RS_ERR_STORE_MIGRATION): nothing changed. The script must not BEGIN or COMMIT itself.
   */
  migrate(sql: string): TableMigration[];
  migrate(sql?: string): TableMigration[] {
    if (sql === undefined) {
      this.migrateIfNeeded(true);
      return [...this.migrationsDone];
    }
    const all = this.tableOptions();
    this.migrating(() => {
      for (const t of all) dropTriggers(this.ctx.db, t.name);
      try {
        this.ctx.db.exec(sql);
      } catch (e) {
        if ((e as { name?: unknown }).name !== 'SqliteError' || /BUSY|LOCKED|FULL/.test(String((e as { code?: unknown }).code))) throw e;
        throw makeError(STORE_ERRORS, 'RS_ERR_STORE_MIGRATION', `the migration script failed, nothing was changed: ${(e as Error).message}`, { sqlite: String((e as { code?: unknown }).code) }, e);
      }
      return migrateTables(this.ctx, all);
    });
    this.schemaCookie = Number(this.ctx.db.pragma('schema_version', { simple: true }));
    return [...this.migrationsDone];
  }

  get station(): StationId {
    return this.ctx.station;
  }

  /**
   * Sign this station's changes and verify every other origin's (docs/protocol.md §3.4). Once
   * set, built changesets carry origin signatures and applied ones must: a run of changes without
   * its origin's valid signature is refused. The Station sets this from its keys.
   */
  setOriginAuth(auth: OriginAuth): void {
    this.ctx.origins = auth;
  }

  /** Runs of changes refused on arrival (newest first), with their error code. */
  refused(limit = 20): RefusedRun[] {
    return listRefused(this.ctx, limit);
  }

  /** The underlying connection (the application may keep writing through its own). */
  get db(): Database.Database {
    return this.ctx.db;
  }

  tables(): TableSpec[] {
    return [...this.ctx.specs.values()];
  }

  /**
   * References from a synced table to a table that is not synced (reference data such as a
   * country list), with how many rows that table holds here. A row travels with the referenced
   * row's UUID; a station whose copy lacks that row parks the referencing row until it has it.
   */
  unsyncedReferences(): Array<{ table: string; column: string; references: string; rows: number }> {
    const out: Array<{ table: string; column: string; references: string; rows: number }> = [];
    for (const spec of this.ctx.specs.values()) {
      for (const fk of spec.fks.values()) {
        if (this.ctx.specs.has(fk.table)) continue;
        const rows = (this.ctx.db.prepare(`SELECT count(*) AS n FROM ${quoteIdent(fk.table)}`).get() as { n: number }).n;
        out.push({ table: spec.name, column: fk.column, references: fk.table, rows });
      }
    }
    return out;
  }

  /** The table options stored by the last init, as given (what `reconfigure` compares the config against). */
  tableOptions(): TableOptions[] {
    return (stmt(this.ctx, 'SELECT options FROM radiosync_tables ORDER BY name').all() as Array<{ options: string }>).map(
      (r) => JSON.parse(r.options) as TableOptions,
    );
  }

  /** Turn pending trigger captures into stamped changes now (build and apply also do this). */
  capture(): CaptureStats {
    this.migrateIfNeeded();
    return busy(() => this.ctx.db.transaction(() => ingestCaptures(this.ctx)).immediate());
  }

  /**
   * Record local changes of a reserved table (`@files`: folder sync's scan results) as this
   * station's own: origin, next seq, HLC tick, causal context. One transaction.
   */
  appendLocal(changes: readonly LocalChange[]): RowChange[] {
    return busy(() => appendLocalChanges(this.ctx, changes));
  }

  /** Every change held for one row (any table, including reserved and pass-through ones). */
  rowHistory(table: string, id: Uint8Array): HeldChange[] {
    return rowHistory(this.ctx, table, id);
  }

  /** Ids of the rows of `table` with changes held; with `ranges`, only rows changed by dots in (lo, hi] per origin. */
  rowIds(table: string, ranges?: Record<StationId, [number, number]>): Uint8Array[] {
    return ranges === undefined ? rowIds(this.ctx, table) : rowIdsInRanges(this.ctx, table, ranges);
  }

  buildChangeset(peer: StationId, opts?: BuildOptions): Changeset {
    this.migrateIfNeeded();
    return busy(() => buildChangeset(this.ctx, peer, opts));
  }

  /** Changesets carrying exactly these changes, each verifiable at `to` (a repair: src/store/buildRuns.ts). */
  buildRunChangesets(to: StationId, dots: Dot[], maxChanges = DEFAULT_MAX_CHANGES): Changeset[] {
    return busy(() => this.ctx.db.transaction(() => buildRunChangesets(this.ctx, to, dots, maxChanges)).immediate());
  }

  applyChangeset(cs: Changeset, opts?: { hash?: Uint8Array }): ApplyResult {
    this.migrateIfNeeded();
    return busy(() => applyChangeset(this.ctx, cs, opts));
  }

  /** Record the peer's acknowledgement (call only with what it reported as durably applied). */
  acknowledge(peer: StationId, vv: VersionVector): VersionVector {
    return acknowledge(this.ctx, peer, vv);
  }

  /** Set the peer's cursor to what it says it holds (a newer receipt): see {@link resetAcked}. */
  resetAcked(peer: StationId, vv: VersionVector): void {
    resetAcked(this.ctx, peer, vv);
  }

  /** Count a sync with a peer (both ends count: the sender when its data is acknowledged). */
  countSync(peer: StationId): void {
    touchPeer(this.ctx, peer, this.ctx.clock.now());
  }

  /** This station's version vector: per origin, the highest seq held contiguously. */
  versionVector(): VersionVector {
    return localVv(this.ctx);
  }

  peer(station: StationId): PeerRecord | undefined {
    return getPeer(this.ctx, station);
  }

  peers(): PeerRecord[] {
    return listPeers(this.ctx);
  }

  upsertPeer(info: PeerInfo): void {
    upsertPeer(this.ctx, info);
  }

  /** Conflicts kept here, oldest first, with their state (conflicts.ts); at most MAX_CONFLICTS_LISTED per call. */
  conflicts(opts?: ListConflictsOptions): ConflictRecord[] {
    return listConflicts(this.ctx, opts);
  }

  /** How many conflicts are kept (open or resolved). */
  conflictCount(): number {
    return Number((stmt(this.ctx, 'SELECT count(*) AS c FROM radiosync_conflict').get() as { c: number }).c);
  }

  /** One conflict with the field's current value. Throws RS_ERR_STORE_CONFLICT_NOT_FOUND. */
  conflict(id: number): ConflictDetail {
    return showConflict(this.ctx, id);
  }

  /** Resolve a conflict by an ordinary local edit that syncs like any other (conflicts.ts). */
  resolveConflict(id: number, how: ConflictResolution): ResolveResult {
    return busy(() => resolveConflict(this.ctx, id, how));
  }

  /** How many rows are parked (held in the log, not yet in the application's tables). */
  parkedCount(): number {
    return parkedCount(this.ctx);
  }

  /**
   * Write the parked rows that can be written now (the application may have added what they waited
   * for: a parent row, a referenced table's rows). Every apply does this too; this does it without
   * a changeset. Returns the rows written and how many still wait. With `ifChanged`, only when the
   * application has committed something since the last try (a daemon's rounds).
   */
  retryParked(opts: { ifChanged?: boolean } = {}): { rowsWritten: number; conflicts: number; parked: number } {
    // SQLite's data_version moves when another connection (the application) commits: with
    // `ifChanged`, nothing is tried again until the application has written something since
    const version = Number(this.ctx.db.pragma('data_version', { simple: true }));
    if (opts.ifChanged === true && version === this.parkedRetriedAt) return { rowsWritten: 0, conflicts: 0, parked: this.parkedCount() };
    this.parkedRetriedAt = version;
    return busy(() => retryParked(this.ctx));
  }

  private parkedRetriedAt: number | undefined;

  /** Rows waiting for a parent, missing data, or holding a value that does not fit its column. */
  parked(): Array<{ table: string; id: string; reason: string }> {
    return (stmt(this.ctx, 'SELECT tbl, id, reason FROM radiosync_parked ORDER BY since').all() as Array<{
      tbl: string;
      id: Uint8Array;
      reason: string;
    }>).map((r) => ({ table: r.tbl, id: bytesToUuid(r.id, this.ctx.specs.get(r.tbl)?.uuidPrefix ?? ''), reason: r.reason }));
  }

  /** Held changes as the open JSON export (exportJson.ts), after capturing pending writes. Throws RS_ERR_STORE_EXPORT_* on a bad range. */
  exportChanges(range?: ExportRange): ChangesExport {
    this.capture(); // the application's writes so far are part of what this station holds
    return exportChanges(this.ctx, range);
  }

  /** The same document written in pieces, one change at a time (bounded memory); returns the count. Captures first, as exportChanges does. */
  writeChangesJson(range: ExportRange, write: (text: string) => void): number {
    this.capture();
    return writeChangesJson(this.ctx, range, write);
  }

  close(): void {
    this.ctx.db.close();
  }
}
