/**
 * A station: its directory, config, keys, record store, and station log. `initStation` creates
 * one; `Station.open` opens it for a command. Everything the CLI does to a station goes through
 * here or through src/sync.
 */
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { KeyObject } from 'node:crypto';
import { systemClock, type Clock } from '../clock/Clock.js';
import { makeError } from '../errors/RadiosyncError.js';
import { defaultConfig, type NewStationOptions } from '../config/defaultConfig.js';
import { loadConfig, type LoadConfigOptions } from '../config/loadConfig.js';
import { renderConfig } from '../config/renderConfig.js';
import type { StationConfig } from '../config/schema.js';
import { RecordStore } from '../store/RecordStore.js';
import { signOrigin, verifyOrigin } from '../auth/originSignature.js';
import type { TableOptions } from '../store/tables.js';
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

/** What `radiosync init` is told: the config's new-station options, plus where and how. */
export interface InitStationOptions extends NewStationOptions {
  home?: string;
  clock?: Clock;
  /** The database is a copy of another station's initialised database. */
  adoptCopy?: boolean;
}

export interface StationSummary {
  home: string;
  callsign: string;
  publicKey: string;
  db: string;
  tables: string[];
  folders: Record<string, string>;
}

function tableOptions(cfg: StationConfig): TableOptions[] {
  const names = cfg.records.tables.filter((t) => !cfg.records.exclude_tables.includes(t));
  return names.map((name) => {
    const t = cfg.records.table[name];
    const o: TableOptions = { name, uuidColumn: t?.uuid_column || cfg.records.uuid_column };
    const policy = t?.conflict || cfg.records.conflict;
    o.policy = policy as NonNullable<TableOptions['policy']>;
    if (t && Object.keys(t.foreign_keys).length > 0) o.foreignKeys = t.foreign_keys;
    if (t?.exclude_where) o.exclude = t.exclude_where;
    if (t && t.exclude_uuids.length > 0) o.excludeUuids = t.exclude_uuids;
    if (t?.deleted_column) o.deletedColumn = t.deleted_column;
    if (t && t.local_columns.length > 0) o.localColumns = t.local_columns;
    return o;
  });
}

function recordsFile(layout: HomeLayout, cfg: StationConfig): string {
  return cfg.records.db ? resolveInHome(layout.home, cfg.records.db) : layout.stationDb;
}

/** Create a station directory: config, keys, station database, and record capture on the tables. */
export function initStation(opts: InitStationOptions): StationSummary {
  const layout = homeLayout(opts.home);
  if (existsSync(layout.config)) {
    throw makeError(STATION_ERRORS, 'RS_ERR_STATION_EXISTS', `a station already exists in ${layout.home}`, { home: layout.home });
  }
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
  if (dbOpt !== undefined && !existsSync(dbOpt)) {
    throw makeError(STATION_ERRORS, 'RS_ERR_STATION_NOT_FOUND', `no database file at ${dbOpt}`, { db: dbOpt });
  }
  // each synced folder gets its root marker: a folder whose marker is missing later (an unmounted
  // USB stick) is refused rather than synced as "everything deleted"
  for (const [share, path] of Object.entries(cfg.folders)) {
    const root = resolveInHome(layout.home, path);
    mkdirSync(root, { recursive: true });
    initFolderMarker({ share, root });
  }
  mkdirSync(dirname(layout.keyFile), { recursive: true });
  const keys = generateStationKeys();
  writeFileSync(layout.keyFile, serializePrivateKeys(keys), { mode: 0o600 });
  chmodSync(layout.keyFile, 0o600);
  const log = new StationLog(layout.stationDb);
  log.close();
  const store = RecordStore.init(recordsFile(layout, cfg), {
    station: cfg.station.callsign,
    tables: tableOptions(cfg),
    clock: opts.clock ?? systemClock,
    ...(opts.adoptCopy ? { adoptCopy: true } : {}),
  });
  store.close();
  writeFileSync(layout.config, renderConfig(cfg, { header: `radiosync station ${cfg.station.callsign}` }));
  return {
    home: layout.home,
    callsign: cfg.station.callsign,
    publicKey: formatPublicKey(keys),
    db: recordsFile(layout, cfg),
    tables: cfg.records.tables,
    folders: cfg.folders,
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
    const records = RecordStore.open(recordsFile(layout, config), {
      clock,
      relayQuotaRows: config.limits.relay_rows_per_peer,
      relayQuotaBytes: config.limits.relay_bytes_per_peer,
    });
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

  close(): void {
    this.records.close();
    this.log.close();
  }
}
