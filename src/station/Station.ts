/**
 * A station: its directory, config, keys, record store, and station log. `initStation` creates
 * one; `Station.open` opens it for a command. Everything the CLI does to a station goes through
 * here or through src/sync.
 */
import { chmodSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { KeyObject } from 'node:crypto';
import { systemClock, type Clock } from '../clock/Clock.js';
import { isRadiosyncError, makeError } from '../errors/RadiosyncError.js';
import { defaultConfig, type NewStationOptions } from '../config/defaultConfig.js';
import { loadConfig, type LoadConfigOptions } from '../config/loadConfig.js';
import { renderConfig } from '../config/renderConfig.js';
import type { StationConfig } from '../config/schema.js';
import { RecordStore } from '../store/RecordStore.js';
import { signOrigin, verifyOrigin } from '../auth/originSignature.js';
import { copySchema } from '../store/copySchema.js';
import type { TableMigration } from '../store/migrate.js';
import { changedKeys, tableOptionsFromConfig, withConfigKey } from './tableOptions.js';
import { StationLog } from '../store/StationLog.js';
import { STATION_ERRORS } from './errors.js';
import { homeLayout, resolveInHome, type HomeLayout } from './home.js';
import {
  formatPublicKey,
  generateStationKeys,
  parsePrivateKeys,
  parsePublicKey,
  serializePrivateKeys,
  type StationKeys,
} from './keys.js';
import { pairwiseKey } from '../auth/pairwise.js';
import { initFolderMarker } from '../files/Folder.js';
import { FOLDER_MARKER } from '../files/ignoreRules.js';

/** What `radiosync init` is told: the config's new-station options, plus where and how. */
export interface InitStationOptions extends NewStationOptions {
  home?: string;
  clock?: Clock;
  /** The database is a copy of another station's initialised database (`init --adopt-copy`). */
  adoptCopy?: boolean;
  /** Add a UUID column where a table lacks one (`init --add-uuids`, src/store/addUuids.ts). */
  addUuids?: boolean;
  /** Create the database (`db`, which must not exist) as an empty copy of this file's schema. */
  schemaFrom?: string;
  /** Environment for the config layers (default process.env); used when init runs again. */
  env?: Readonly<Record<string, string | undefined>>;
}

export interface StationSummary {
  home: string;
  callsign: string;
  publicKey: string;
  db: string;
  tables: string[];
  folders: Record<string, string>;
  /** Set when the station already existed: the config keys whose change init (or reconfigure) applied. */
  changed?: string[];
  /**
   * References from synced tables to tables that are not synced (reference data), with the rows
   * each holds here: every station needs the same rows there (same UUIDs), or the rows that
   * reference a missing one wait (parked, `status`).
   */
  unsyncedReferences?: Array<{ table: string; column: string; references: string; rows: number }>;
}

function recordsFile(layout: HomeLayout, cfg: StationConfig): string {
  return cfg.records.db ? resolveInHome(layout.home, cfg.records.db) : layout.stationDb;
}

/** Init the record store from a config, with store errors re-issued under the config key at fault. */
function initRecords(layout: HomeLayout, cfg: StationConfig, opts: { clock?: Clock; adoptCopy?: boolean; addUuids?: boolean }): StationSummary['unsyncedReferences'] {
  let store: RecordStore;
  try {
    store = RecordStore.init(recordsFile(layout, cfg), {
      station: cfg.station.callsign,
      tables: tableOptionsFromConfig(cfg),
      clock: opts.clock ?? systemClock,
      ...(opts.adoptCopy ? { adoptCopy: true } : {}),
      ...(opts.addUuids ? { addUuids: true } : {}),
    });
  } catch (e) {
    throw withConfigKey(cfg, e);
  }
  try {
    return store.unsyncedReferences();
  } finally {
    store.close();
  }
}

/** Paths created by a failing init, removed again so that nothing is left behind. */
function undoCreated(paths: readonly string[]): void {
  for (const p of [...paths].reverse()) {
    for (const f of [p, `${p}-wal`, `${p}-shm`, `${p}-journal`]) rmSync(f, { recursive: true, force: true });
  }
}

/**
 * Create a station directory: config, keys, station database, and record capture on the tables.
 * If the directory already holds a station with the same callsign, init reconciles it with its
 * config instead (see {@link reconfigureStation}). A failed init leaves nothing behind: no home
 * directory, no radiosync tables in the application database (one transaction), no new file.
 */
export function initStation(opts: InitStationOptions): StationSummary {
  const layout = homeLayout(opts.home);
  if (existsSync(layout.config)) return initAgain(layout, opts);
  const dbOpt = opts.db === undefined ? undefined : resolveInHome(process.cwd(), opts.db);
  const cfg = defaultConfig({
    callsign: opts.callsign,
    ...(opts.owner !== undefined ? { owner: opts.owner } : {}),
    ...(opts.contact !== undefined ? { contact: opts.contact } : {}),
    ...(dbOpt !== undefined ? { db: dbOpt } : {}),
    ...(opts.tables !== undefined ? { tables: opts.tables } : {}),
    ...(opts.folders !== undefined ? { folders: Object.fromEntries(Object.entries(opts.folders).map(([k, v]) => [k, resolveInHome(process.cwd(), v)])) } : {}),
    ...(opts.profile !== undefined ? { profile: opts.profile } : {}),
    ...(opts.overrides !== undefined ? { overrides: opts.overrides } : {}),
  });
  if (opts.schemaFrom !== undefined && dbOpt === undefined) {
    throw makeError(STATION_ERRORS, 'RS_ERR_STATION_INIT', '--schema-from needs --db: the new database file to create', { option: 'schemaFrom' });
  }
  if (opts.schemaFrom !== undefined && opts.adoptCopy) {
    throw makeError(STATION_ERRORS, 'RS_ERR_STATION_INIT', '--schema-from (an empty database) and --adopt-copy (a copied one) exclude each other', { option: 'schemaFrom' });
  }
  if (dbOpt !== undefined && opts.schemaFrom === undefined && !existsSync(dbOpt)) {
    throw makeError(STATION_ERRORS, 'RS_ERR_STATION_NOT_FOUND', `no database file at ${dbOpt}`, { db: dbOpt });
  }
  tableOptionsFromConfig(cfg); // refuses settings for tables not synced, before anything is made
  const created: string[] = [];
  const mkdirNew = (dir: string): void => {
    const first = mkdirSync(dir, { recursive: true });
    if (first !== undefined) created.push(first);
  };
  try {
    if (opts.schemaFrom !== undefined && dbOpt !== undefined) {
      const from = resolveInHome(process.cwd(), opts.schemaFrom);
      if (!existsSync(dbOpt)) created.push(dbOpt);
      copySchema(from, dbOpt);
    }
    mkdirNew(layout.home);
    // each synced folder gets its root marker: a folder whose marker is missing later (an unmounted
    // USB stick) is refused rather than synced as "everything deleted"
    for (const [share, path] of Object.entries(cfg.folders)) {
      const root = resolveInHome(layout.home, path);
      mkdirNew(root);
      const marker = join(root, FOLDER_MARKER);
      if (!existsSync(marker)) created.push(marker);
      initFolderMarker({ share, root });
    }
    mkdirNew(dirname(layout.keyFile));
    const keys = generateStationKeys();
    created.push(layout.keyFile);
    writeFileSync(layout.keyFile, serializePrivateKeys(keys), { mode: 0o600 });
    chmodSync(layout.keyFile, 0o600);
    created.push(layout.stationDb);
    const log = new StationLog(layout.stationDb);
    log.close();
    const unsyncedReferences = initRecords(layout, cfg, opts);
    created.push(layout.config);
    writeFileSync(layout.config, renderConfig(cfg, { header: `radiosync station ${cfg.station.callsign}` }));
    return {
      home: layout.home,
      callsign: cfg.station.callsign,
      publicKey: formatPublicKey(keys),
      db: recordsFile(layout, cfg),
      tables: cfg.records.tables,
      folders: cfg.folders,
      ...(unsyncedReferences !== undefined && unsyncedReferences.length > 0 ? { unsyncedReferences } : {}),
    };
  } catch (e) {
    undoCreated(created);
    throw e;
  }
}

/** init in a directory that holds a station: the same callsign reconciles, anything else is refused. */
function initAgain(layout: HomeLayout, opts: InitStationOptions): StationSummary {
  const cfg = loadConfig(layout.home, opts.env !== undefined ? { env: opts.env } : {});
  const call = opts.callsign.toUpperCase();
  if (cfg.station.callsign !== call) {
    throw makeError(STATION_ERRORS, 'RS_ERR_STATION_EXISTS', `a station ${cfg.station.callsign} already exists in ${layout.home}`, { home: layout.home, station: cfg.station.callsign });
  }
  // Flags must agree with the file: init never rewrites radiosync.toml (edit it, then run init or reconfigure again).
  const differs: string[] = [];
  if (opts.db !== undefined && resolveInHome(process.cwd(), opts.db) !== recordsFile(layout, cfg)) differs.push('records.db');
  if (opts.tables !== undefined && opts.tables.join(',') !== cfg.records.tables.join(',')) differs.push('records.tables');
  if (opts.owner !== undefined && opts.owner !== cfg.station.owner) differs.push('station.owner');
  if (opts.contact !== undefined && opts.contact !== cfg.station.contact) differs.push('station.contact');
  if (opts.profile !== undefined && opts.profile !== cfg.radio.profile) differs.push('radio.profile');
  if (opts.folders !== undefined) {
    const want = Object.entries(opts.folders).map(([k, v]) => `${k}=${resolveInHome(process.cwd(), v)}`).sort().join(',');
    const have = Object.entries(cfg.folders).map(([k, v]) => `${k}=${resolveInHome(layout.home, v)}`).sort().join(',');
    if (want !== have) differs.push('folders');
  }
  if (opts.overrides !== undefined && Object.keys(opts.overrides).length > 0) differs.push(...Object.keys(opts.overrides));
  if (opts.schemaFrom !== undefined) differs.push('--schema-from');
  if (differs.length > 0) {
    throw makeError(
      STATION_ERRORS,
      'RS_ERR_STATION_EXISTS',
      `a station ${call} already exists in ${layout.home}, and init was given other values for ${differs.join(', ')} than its radiosync.toml holds; edit the file and run \`radiosync reconfigure\``,
      { home: layout.home, keys: differs },
    );
  }
  return reconfigureStation(layout.home, {
    ...(opts.env !== undefined ? { env: opts.env } : {}),
    ...(opts.clock !== undefined ? { clock: opts.clock } : {}),
    ...(opts.addUuids ? { addUuids: true } : {}),
    ...(opts.adoptCopy ? { adoptCopy: true } : {}),
  });
}

export interface ReconfigureOptions extends LoadConfigOptions {
  clock?: Clock;
  addUuids?: boolean;
  adoptCopy?: boolean;
}

/**
 * Make the station's record capture match its config now (`radiosync reconfigure`, or `init`
 * run again): tables added or removed, and every per-table setting (uuid_column, conflict,
 * foreign_keys, exclude_where, exclude_uuids, deleted_column, local_columns). Triggers are
 * regenerated from the tables as they are now, so columns added since are captured too. One
 * transaction: a setting the store refuses changes nothing, and the error names its config key.
 */
export function reconfigureStation(home: string | undefined, opts: ReconfigureOptions = {}): StationSummary & { changed: string[] } {
  const layout = homeLayout(home);
  if (!existsSync(layout.config)) {
    throw makeError(STATION_ERRORS, 'RS_ERR_STATION_NOT_FOUND', `no station in ${layout.home}: run \`radiosync init --home ${layout.home} --callsign CALL\` first`, { home: layout.home });
  }
  const cfg = loadConfig(layout.home, opts);
  const file = recordsFile(layout, cfg);
  const wanted = tableOptionsFromConfig(cfg);
  let changed: string[] = ['records.tables'];
  if (existsSync(file)) {
    let before: RecordStore | undefined;
    try {
      before = RecordStore.open(file);
    } catch (e) {
      if (!isRadiosyncError(e, 'RS_ERR_STORE_NOT_INITIALISED') && !isRadiosyncError(e, 'RS_ERR_STORE_CONFIG')) throw e;
    }
    if (before !== undefined) {
      changed = changedKeys(cfg, before.tableOptions(), wanted);
      before.close();
    }
  }
  initRecords(layout, cfg, opts);
  return {
    home: layout.home,
    callsign: cfg.station.callsign,
    publicKey: formatPublicKey(parsePrivateKeys(readFileSync(layout.keyFile, 'utf8'))),
    db: file,
    tables: cfg.records.tables,
    folders: cfg.folders,
    changed,
  };
}

export interface OpenStationOptions extends LoadConfigOptions {
  clock?: Clock;
}

export class Station {
  readonly layout: HomeLayout;
  readonly config: StationConfig;
  readonly keys: StationKeys;
  readonly records: RecordStore;
  readonly log: StationLog;
  readonly clock: Clock;
  /** Parsed peer keys by "CALL key-text" (bounded by the peers table). */
  private readonly parsedKeys = new Map<string, { sign: KeyObject; pair: Uint8Array }>();

  private constructor(layout: HomeLayout, config: StationConfig, keys: StationKeys, records: RecordStore, log: StationLog, clock: Clock) {
    this.layout = layout;
    this.config = config;
    this.keys = keys;
    this.records = records;
    this.log = log;
    this.clock = clock;
  }

  static open(home?: string, opts: OpenStationOptions = {}): Station {
    const layout = homeLayout(home);
    if (!existsSync(layout.config)) {
      throw makeError(STATION_ERRORS, 'RS_ERR_STATION_NOT_FOUND', `no station in ${layout.home}: run \`radiosync init --home ${layout.home} --callsign CALL\` first`, {
        home: layout.home,
      });
    }
    const config = loadConfig(layout.home, opts);
    let pem: string;
    try {
      pem = readFileSync(layout.keyFile, 'utf8');
    } catch (e) {
      throw makeError(STATION_ERRORS, 'RS_ERR_KEY_FILE', `cannot read ${layout.keyFile}`, { file: layout.keyFile }, e);
    }
    const keys = parsePrivateKeys(pem);
    const clock = opts.clock ?? systemClock;
    let records: RecordStore;
    try {
      records = RecordStore.open(recordsFile(layout, config), {
        clock,
        relayQuotaRows: config.limits.relay_rows_per_peer,
        relayQuotaBytes: config.limits.relay_bytes_per_peer,
      });
    } catch (e) {
      throw withConfigKey(config, e);
    }
    // A records setting changed since init is never silently ignored: it is applied by
    // `reconfigure` (or init again), and until then every command refuses, naming the key.
    let changed: string[];
    try {
      changed = changedKeys(config, records.tableOptions(), tableOptionsFromConfig(config));
    } catch (e) {
      records.close();
      throw e;
    }
    if (changed.length > 0) {
      records.close();
      throw makeError(
        STATION_ERRORS,
        'RS_ERR_STATION_RECONFIGURE',
        `${changed.join(', ')} changed since init; run \`radiosync reconfigure --home ${layout.home}\` to apply ${changed.length === 1 ? 'it' : 'them'}`,
        { home: layout.home, keys: changed },
      );
    }
    const log = new StationLog(layout.stationDb, config.limits.heard_list);
    const station = new Station(layout, config, keys, records, log, clock);
    records.setOriginAuth({
      sign: (seq, head) => signOrigin(keys.signPrivate, station.callsign, seq, head),
      verify: (origin, seq, head, sig) => {
        const key = log.outOfUse(origin) ? undefined : station.peerSignKey(origin);
        if (key === undefined) return 'unknown';
        return verifyOrigin(key, origin, seq, head, sig) ? 'ok' : 'bad';
      },
    });
    return station;
  }

  get callsign(): string {
    return this.config.station.callsign;
  }

  /** `radiosync migrate` (RecordStore.migrate), with errors naming the config key at fault. */
  migrate(sql?: string): TableMigration[] {
    try {
      return sql === undefined ? this.records.migrate() : this.records.migrate(sql);
    } catch (e) {
      throw withConfigKey(this.config, e);
    }
  }

  publicKey(): string {
    return formatPublicKey(this.keys);
  }

  /** Trust a station: record its public key (and optional owner/contact). */
  addPeer(callsign: string, key: string, info: { owner?: string; contact?: string } = {}): void {
    const call = callsign.toUpperCase();
    parsePublicKey(key);
    this.records.upsertPeer({
      station: call,
      callsign: call,
      publicKey: new TextEncoder().encode(key),
      ...(info.owner !== undefined ? { owner: info.owner } : {}),
      ...(info.contact !== undefined ? { contact: info.contact } : {}),
    });
  }

  /**
   * A trusted peer's public keys, parsed once per key text (trust is checked on every frame heard;
   * the peers table is read each time, so a key changed by `peer add` takes effect at once).
   */
  private peerKeys(callsign: string): { sign: KeyObject; pair: Uint8Array } | undefined {
    const p = this.records.peer(callsign);
    if (!p?.publicKey) return undefined;
    const text = new TextDecoder().decode(p.publicKey);
    const cacheKey = `${callsign} ${text}`;
    let k = this.parsedKeys.get(cacheKey);
    if (!k) {
      const pk = parsePublicKey(text);
      k = { sign: pk.signPublic, pair: pairwiseKey(this.callsign, this.keys.dhPrivate, callsign, pk.dhPublic) };
      this.parsedKeys.set(cacheKey, k);
    }
    return k;
  }

  /** The Ed25519 key of a trusted peer, or undefined. */
  peerSignKey(callsign: string): KeyObject | undefined {
    if (callsign === this.callsign) return this.keys.signPublic;
    return this.peerKeys(callsign)?.sign;
  }

  /** The pairwise MAC key shared with a trusted peer, or undefined. */
  pairKey(callsign: string): Uint8Array | undefined {
    return this.peerKeys(callsign)?.pair;
  }

  isTrusted(callsign: string): boolean {
    return this.peerSignKey(callsign) !== undefined && !this.log.outOfUse(callsign);
  }

  /** Throws RS_ERR_PEER_UNKNOWN (exit 66) unless `callsign` is a trusted peer: before any session, export or connection. */
  requireTrusted(callsign: string): void {
    if (!this.isTrusted(callsign)) throw makeError(STATION_ERRORS, 'RS_ERR_PEER_UNKNOWN', `${callsign} is not a known peer: add it with \`radiosync peer add ${callsign} --key KEY\``, { peer: callsign });
  }

  close(): void {
    this.records.close();
    this.log.close();
  }
}
