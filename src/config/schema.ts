/**
 * The station config schema: every key, its type, default, bounds and one line of documentation,
 * in one place. `radiosync.toml` is validated against it, defaults come from it, RADIOSYNC_* env
 * vars are derived from it, `renderConfig` writes it out and docs/config.md describes it.
 */
import type { IntLeaf, Leaf, MapNode, SchemaNode, TableNode } from './schemaTypes.js';
import { RADIO_DEFAULTS } from '../radio/radioDefaults.js';

/** Name of the config file inside a station directory. */
export const CONFIG_FILE_NAME = 'radiosync.toml';
/** Prefix of environment-variable overrides: RADIOSYNC_<SECTION>_<KEY>. */
export const ENV_PREFIX = 'RADIOSYNC_';

/** AX.25 callsign: 1–6 letters/digits, optional SSID 0–15. */
export const CALLSIGN_PATTERN = /^[A-Za-z0-9]{1,6}(-(?:[0-9]|1[0-5]))?$/;
const upper = (s: string): string => s.toUpperCase();
/** Names of folders, tables and map keys: letters, digits, `_`, `-`, `.` (1–64 chars). */
export const NAME_PATTERN = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,63}$/;
/** SQL identifiers (table and column names). */
export const IDENT_PATTERN = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;
/** host:port, for KISS over TCP. */
export const HOST_PORT_PATTERN = /^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9_.-]+):([0-9]{1,5})$/;

/** Most init or exit strings sent to a TNC: 16. */
export const MAX_TNC_COMMANDS = 16;
/** Most tables synced: 256. */
export const MAX_TABLES = 256;
/** Most folders synced: 64. */
export const MAX_FOLDERS = 64;
/** Most transmit windows: 64. */
export const MAX_WINDOWS = 64;
/** Most per-peer budget overrides: 1 024. */
export const MAX_PEER_BUDGETS = 1024;

const int = (doc: string, def: number, min: number, max: number, form?: string): IntLeaf => ({
  kind: 'int',
  doc,
  default: def,
  min,
  max,
  form: form ?? `an integer ${min}..${max}`,
});

const budgetScope = (doc: string): TableNode => ({
  kind: 'table',
  doc,
  fields: {
    bytes_per_hour: int('bytes of radiosync frames per rolling hour (0 = unlimited)', 0, 0, 1e12, 'an integer ≥ 0 (0 = unlimited)'),
    bytes_per_day: int('bytes per rolling 24 hours (0 = unlimited)', 0, 0, 1e12, 'an integer ≥ 0 (0 = unlimited)'),
    airtime_s_per_hour: int('transmit seconds per rolling hour, TXDELAY and TXTAIL included (0 = unlimited)', 0, 0, 3600, 'an integer 0..3600 (0 = unlimited)'),
    airtime_s_per_day: int('transmit seconds per rolling 24 hours (0 = unlimited)', 0, 0, 86400, 'an integer 0..86400 (0 = unlimited)'),
  },
});

const conflictPolicy = (def: string, doc: string, allowDefault = false): Leaf => ({
  kind: 'enum',
  doc,
  default: def,
  values: allowDefault ? ['', 'newer', 'local', 'remote', 'master'] : ['newer', 'local', 'remote', 'master'],
  form: allowDefault ? 'one of "newer", "local", "remote", "master" ("" = the records.conflict default)' : 'one of "newer", "local", "remote", "master"',
});

const tableSettings: MapNode = {
  kind: 'map',
  doc: 'Per-table settings, one [records.table.<name>] each; any key left out uses the records.* default.',
  keyPattern: IDENT_PATTERN,
  keyForm: 'a table name (letters, digits, _)',
  maxEntries: MAX_TABLES,
  example: '[records.table.observations]\nconflict = "master"\nforeign_keys = { site_id = "sites" }\nexclude_where = "draft = 1"',
  of: {
    kind: 'table',
    doc: 'one table',
    fields: {
      conflict: conflictPolicy('', 'conflict policy for this table ("" = records.conflict)', true),
      uuid_column: { kind: 'string', doc: 'column holding the row UUID ("" = records.uuid_column)', default: '', form: 'a column name', pattern: IDENT_PATTERN },
      foreign_keys: {
        kind: 'map',
        doc: 'columns that hold a LOCAL row id of another table: column = "other_table"; sent as that row\'s UUID and mapped back on arrival',
        keyPattern: IDENT_PATTERN,
        keyForm: 'a column name',
        maxEntries: 64,
        example: 'site_id = "sites"',
        of: { kind: 'string', doc: 'referenced table', default: '', form: 'a table name', pattern: IDENT_PATTERN, allowEmpty: false },
      },
      exclude_where: { kind: 'string', doc: 'SQL condition; matching rows are never sent (e.g. "draft = 1")', default: '', form: 'an SQL boolean expression' },
      exclude_uuids: { kind: 'string[]', doc: 'UUIDs of rows never sent (reference rows with fixed UUIDs)', default: [], form: 'a list of UUIDs', maxItems: 10_000 },
      deleted_column: { kind: 'string', doc: 'soft-delete column (Sahana\'s "deleted"): a delete sets it to 1 and the row stays ("" = rows are really deleted; radiosync keeps a tombstone)', default: '', form: 'a column name', pattern: IDENT_PATTERN },
      local_columns: { kind: 'string[]', doc: 'columns never synced (site-specific values, local timestamps)', default: [], form: 'a list of column names', pattern: IDENT_PATTERN, maxItems: 256 },
    },
  },
};

/** The whole schema. */
export const SCHEMA: TableNode = {
  kind: 'table',
  doc: 'radiosync station config',
  fields: {
    station: {
      kind: 'table',
      doc: 'Who this station is.',
      fields: {
        callsign: {
          kind: 'string',
          doc: 'callsign with optional SSID, e.g. "N0CALL-7" (required)',
          default: '',
          form: 'an AX.25 callsign: 1-6 letters/digits, optional -SSID 0..15, e.g. "N0CALL-7"',
          pattern: CALLSIGN_PATTERN,
          normalize: upper,
          allowEmpty: false,
        },
        owner: { kind: 'string', doc: 'operator name (free text, shown to peers in status)', default: '', form: 'a string' },
        contact: { kind: 'string', doc: 'how to reach the operator (e-mail, phone, net)', default: '', form: 'a string' },
      },
    },
    radio: {
      kind: 'table',
      doc: 'The TNC and the radio. A profile (hardware/profiles/<name>.toml) fills in any key not set here.',
      fields: {
        profile: { kind: 'string', doc: 'hardware profile name, e.g. "direwolf-1200", "kantronics-kpc3" ("" = none)', default: '', form: 'a profile name from hardware/profiles/', pattern: NAME_PATTERN },
        transport: { kind: 'enum', doc: 'how the TNC is reached: "serial" (hardware TNC) or "kiss-tcp" (Dire Wolf, radiosync sim)', default: 'kiss-tcp', values: ['serial', 'kiss-tcp'], form: 'one of "serial", "kiss-tcp"' },
        port: { kind: 'string', doc: 'serial device, e.g. "/dev/ttyUSB0" or "COM3" (transport = "serial")', default: '', form: 'a device path' },
        baud: int('serial line speed between computer and TNC (not the radio bit rate)', 9600, 300, 921600, 'an integer 300..921600, e.g. 9600'),
        host: { kind: 'string', doc: 'host:port of a KISS-over-TCP TNC (transport = "kiss-tcp"); Dire Wolf\'s KISSPORT defaults to 8001', default: '127.0.0.1:8001', form: 'host:port, e.g. "127.0.0.1:8001"', pattern: HOST_PORT_PATTERN },
        kiss_port: int('KISS port (radio channel) number on a multi-port TNC', 0, 0, 15),
        bitrate: int('radio bit rate on air, bit/s, for pacing and timeouts', RADIO_DEFAULTS.bitrate, 50, 115200, 'an integer 50..115200, e.g. 1200 or 9600'),
        txdelay_ms: int('key-up delay before data, ms (sent to the TNC as KISS TXDELAY, in 10 ms units)', RADIO_DEFAULTS.txDelayMs, 0, 2550),
        persistence: int('KISS p-persistence 0..255: chance to transmit in a free slot is (p+1)/256', RADIO_DEFAULTS.persistence, 0, 255),
        slot_ms: int('KISS slot time, ms', RADIO_DEFAULTS.slotMs, 0, 2550),
        txtail_ms: int('carrier held after the last frame, ms', RADIO_DEFAULTS.txTailMs, 0, 2550),
        set_kiss_params: { kind: 'bool', doc: 'send TXDELAY/persistence/slot/TXTAIL to the TNC when the port opens', default: true, form: 'true or false' },
        frame_bytes: int('info-field bytes per AX.25 frame radiosync sends (payload per frame)', RADIO_DEFAULTS.frameBytes, 32, 2048),
        tnc_queue_frames: int('most frames the TNC is handed ahead of what it has sent (its transmit queue: Dire Wolf 1.6 discards beyond 100 queued frames); longer key-ups are fed as it drains', RADIO_DEFAULTS.tncQueueFrames, 2, 255),
        digipeaters: { kind: 'string[]', doc: 'digipeater path, e.g. ["WIDE1-1"] (each adds 7 bytes to every frame; [] = direct)', default: [], form: 'a list of callsigns', pattern: CALLSIGN_PATTERN, normalize: upper, maxItems: 8 },
        init: { kind: 'string[]', doc: 'strings sent to a hardware TNC before KISS starts; text gets a CR appended, "hex:C0 FF C0" is sent as raw bytes', default: [], form: 'a list of strings', maxItems: MAX_TNC_COMMANDS },
        exit: { kind: 'string[]', doc: 'strings sent when closing (e.g. "hex:C0 FF C0" to leave KISS on a Kantronics)', default: [], form: 'a list of strings', maxItems: MAX_TNC_COMMANDS },
        init_delay_ms: int('pause after each init/exit string, ms (a TNC needs time after RESTART)', 500, 0, 10000),
      },
    },
    records: {
      kind: 'table',
      doc: 'The SQLite database to keep in sync.',
      fields: {
        db: { kind: 'string', doc: 'database file, relative to the station directory ("" = no database)', default: '', form: 'a file path' },
        tables: { kind: 'string[]', doc: 'tables to sync ([] = none)', default: [], form: 'a list of table names', pattern: IDENT_PATTERN, maxItems: MAX_TABLES },
        uuid_column: { kind: 'string', doc: 'column holding each row\'s stable UUID (`init --add-uuids` adds it to tables that lack it)', default: 'uuid', form: 'a column name', pattern: IDENT_PATTERN, allowEmpty: false },
        exclude_tables: { kind: 'string[]', doc: 'tables never sent even if listed (handy with overrides)', default: [], form: 'a list of table names', pattern: IDENT_PATTERN, maxItems: MAX_TABLES },
        conflict: conflictPolicy('newer', 'default conflict policy: newer (latest hybrid-logical-clock wins), local, remote, or master (the master station wins)'),
        master: { kind: 'string', doc: 'callsign of the master station, for conflict = "master"', default: '', form: 'a callsign, e.g. "N0CALL-1"', pattern: CALLSIGN_PATTERN, normalize: upper },
        table: tableSettings,
      },
    },
    folders: {
      kind: 'map',
      doc: 'Folders to keep in sync: name = "path" (relative to the station directory or absolute). Both stations must use the same names.',
      keyPattern: NAME_PATTERN,
      keyForm: 'a folder name (letters, digits, _ . -)',
      maxEntries: MAX_FOLDERS,
      example: 'photos = "/srv/field/photos"\nforms = "forms"',
      of: { kind: 'string', doc: 'folder path', default: '', form: 'a directory path', allowEmpty: false },
    },
    schedule: {
      kind: 'table',
      doc: 'When the daemon may transmit. No [[schedule.window]] means any time.',
      fields: {
        timezone: { kind: 'string', doc: 'IANA timezone the cron windows are read in', default: 'UTC', form: 'an IANA timezone, e.g. "UTC" or "Europe/Oslo"', allowEmpty: false },
        beacon_interval_s: int('seconds between beacons (station ID); 0 = no beacons', 600, 0, 86400),
        beacon_outside_windows: { kind: 'bool', doc: 'send beacons even when no window is open', default: false, form: 'true or false' },
        duty_cycle_pct: { kind: 'number', doc: 'most transmit time as a percentage of any rolling duty_cycle_window_s (100 = no cap)', default: 50, min: 1, max: 100, form: 'a number 1..100' },
        duty_cycle_window_s: int('rolling window of the duty-cycle cap, seconds', 600, 10, 86400),
        max_burst_s: int('longest single key-up, seconds', 30, 1, 600),
        window: {
          kind: 'array',
          doc: 'Transmit windows: each opens at every match of a cron expression and stays open duration_min minutes.',
          maxItems: MAX_WINDOWS,
          example: '[[schedule.window]]\ncron = "0 */2 * * *"   # every two hours on the hour\nduration_min = 10',
          of: {
            kind: 'table',
            doc: 'one window',
            fields: {
              cron: { kind: 'string', doc: 'cron expression (minute hour day month weekday)', default: '', form: 'a cron expression, e.g. "0 */2 * * *"', allowEmpty: false },
              duration_min: { kind: 'number', doc: 'minutes the window stays open', default: 10, min: 0.1, max: 10080, form: 'a number of minutes 0.1..10080' },
            },
          },
        },
      },
    },
    budget: {
      kind: 'table',
      doc: 'Byte and airtime budgets over rolling windows; 0 = unlimited.',
      fields: {
        global: budgetScope('Across all peers, beacons included.'),
        peer: budgetScope('For each peer (default for peers not listed in [budget.peers]).'),
        peers: {
          kind: 'map',
          doc: 'Per-callsign overrides: [budget.peers."N0CALL-3"].',
          keyPattern: CALLSIGN_PATTERN,
          keyForm: 'a callsign, e.g. "N0CALL-3"',
          maxEntries: MAX_PEER_BUDGETS,
          example: '[budget.peers."N0CALL-3"]\nbytes_per_day = 200000',
          of: budgetScope('one peer'),
        },
      },
    },
    limits: {
      kind: 'table',
      doc: 'Security bounds on what strangers on the channel can make this station spend (docs/security.md).',
      fields: {
        partial_transfers_per_sender: int('incomplete inbound transfers held per sending station', 4, 1, 1024),
        partial_transfers_total: int('incomplete inbound transfers held in total', 32, 1, 65536),
        reassembly_bytes: int('bytes held for reassembly across all partial transfers', 16 * 1024 * 1024, 1024, 2 ** 40),
        inflated_bytes: int('largest changeset after decompression, bytes', 64 * 1024 * 1024, 1024, 2 ** 40),
        rows_per_changeset: int('most rows one changeset may carry', 100_000, 1, 1e9),
        queue_length: int('most transfers waiting in the outbound queue', 10_000, 1, 1e7),
        log_bytes_per_hour: int('log volume cap; past it, repeated messages are counted instead of written', 10 * 1024 * 1024, 1024, 2 ** 40),
        max_frame_bytes: int('largest KISS frame accepted from the TNC (bounds CPU and memory per frame)', 4096, 64, 65536),
        heard_list: int('stations remembered in the heard list', 256, 1, 65536),
        relay_rows_per_peer: int('rows kept only for relaying (tables not synced here), per sending peer', 100_000, 0, 1e9),
        relay_bytes_per_peer: int('bytes of such rows, per sending peer', 32 * 1024 * 1024, 0, 2 ** 40),
      },
    },
    online: {
      kind: 'table',
      doc: 'The daemon off the air: online sync over TCP (authenticated, encrypted; docs/protocol.md §7), and the bundle fallback through an outbox and an inbox folder. Online first: the radio leaves a peer alone while an online session with it runs, and while it has an address (here, or found on the LAN) whose last attempt did not fail; when an attempt or a session fails (a close at once, silence after 15 s), the radio queues for that peer at once, inside its windows; when a session ends in sync, whatever the radio had queued for that peer is dropped (the peer holds it all), with a CANCEL to it if the transfer had started.',
      fields: {
        listen: { kind: 'string', doc: 'address the daemon answers online syncs on, HOST:PORT ("" = none)', default: '', form: 'HOST:PORT, e.g. "0.0.0.0:7373"', pattern: HOST_PORT_PATTERN },
        mdns: { kind: 'bool', doc: 'advertise this station (callsign, key fingerprint) as _radiosync._tcp by mDNS on the LAN while it listens, and browse for others: trusted peers found are synced online (path "lan")', default: false, form: 'true or false' },
        retry_s: int('seconds between online attempts to a peer that has something pending (or not yet synced); a station that does not listen asks every reachable peer this often, pending or not (nobody can reach it to hand it their changes)', 60, 1, 86400),
        bundle_after_s: int('write a bundle to the outbox for a peer that neither online nor radio reached for this long while it has changes pending (0 = never)', 0, 0, 365 * 86400, 'an integer ≥ 0 (0 = never)'),
        outbox: { kind: 'string', doc: 'folder bundles are written to: a USB stick\'s mount point or a mail spool, relative to the station directory ("" = none)', default: '', form: 'a directory path' },
        inbox: { kind: 'string', doc: 'folder watched for bundles (*.rsb): each is imported, moved to <inbox>/done, and acknowledged by a receipt bundle in the outbox ("" = none)', default: '', form: 'a directory path' },
        peers: {
          kind: 'map',
          doc: 'Where each peer answers online: "N0CALL-3" = "HOST:PORT".',
          keyPattern: CALLSIGN_PATTERN,
          keyForm: 'a callsign, e.g. "N0CALL-3"',
          maxEntries: MAX_PEER_BUDGETS,
          example: '"N0CALL-3" = "hq.example.org:7373"',
          of: { kind: 'string', doc: 'HOST:PORT', default: '', form: 'HOST:PORT', pattern: HOST_PORT_PATTERN, allowEmpty: false },
        },
      },
    },
    logging: {
      kind: 'table',
      doc: 'Structured logs (pino).',
      fields: {
        level: { kind: 'enum', doc: 'log level', default: 'info', values: ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'], form: 'one of "trace", "debug", "info", "warn", "error", "fatal", "silent"' },
        file: { kind: 'string', doc: 'log file, relative to the station directory ("" = stderr)', default: '', form: 'a file path' },
        format: { kind: 'enum', doc: '"json" (one object a line) or "pretty"', default: 'json', values: ['json', 'pretty'], form: 'one of "json", "pretty"' },
      },
    },
  },
};

export type ConflictPolicy = 'newer' | 'local' | 'remote' | 'master';

export interface BudgetScopeConfig {
  bytes_per_hour: number;
  bytes_per_day: number;
  airtime_s_per_hour: number;
  airtime_s_per_day: number;
}

export interface TableConfig {
  /** '' = the records.conflict default */
  conflict: ConflictPolicy | '';
  uuid_column: string;
  foreign_keys: Record<string, string>;
  exclude_where: string;
  exclude_uuids: string[];
  deleted_column: string;
  local_columns: string[];
}

export interface WindowConfig {
  cron: string;
  duration_min: number;
}

/** The validated station config: exactly the TOML keys, every one present. */
export interface StationConfig {
  station: { callsign: string; owner: string; contact: string };
  radio: {
    profile: string;
    transport: 'serial' | 'kiss-tcp';
    port: string;
    baud: number;
    host: string;
    kiss_port: number;
    bitrate: number;
    txdelay_ms: number;
    persistence: number;
    slot_ms: number;
    txtail_ms: number;
    set_kiss_params: boolean;
    frame_bytes: number;
    tnc_queue_frames: number;
    digipeaters: string[];
    init: string[];
    exit: string[];
    init_delay_ms: number;
  };
  records: {
    db: string;
    tables: string[];
    uuid_column: string;
    exclude_tables: string[];
    conflict: ConflictPolicy;
    master: string;
    table: Record<string, TableConfig>;
  };
  folders: Record<string, string>;
  schedule: {
    timezone: string;
    beacon_interval_s: number;
    beacon_outside_windows: boolean;
    duty_cycle_pct: number;
    duty_cycle_window_s: number;
    max_burst_s: number;
    window: WindowConfig[];
  };
  budget: { global: BudgetScopeConfig; peer: BudgetScopeConfig; peers: Record<string, BudgetScopeConfig> };
  limits: {
    partial_transfers_per_sender: number;
    partial_transfers_total: number;
    reassembly_bytes: number;
    inflated_bytes: number;
    rows_per_changeset: number;
    queue_length: number;
    log_bytes_per_hour: number;
    max_frame_bytes: number;
    heard_list: number;
    relay_rows_per_peer: number;
    relay_bytes_per_peer: number;
  };
  online: { listen: string; mdns: boolean; retry_s: number; bundle_after_s: number; outbox: string; inbox: string; peers: Record<string, string> };
  logging: { level: string; file: string; format: 'json' | 'pretty' };
}

/** Walk to a schema node by dotted path (map keys match any name); undefined if none. */
export function schemaAt(path: readonly string[]): SchemaNode | undefined {
  let n: SchemaNode = SCHEMA;
  for (const k of path) {
    if (n.kind === 'table') {
      const next: SchemaNode | undefined = n.fields[k];
      if (!next) return undefined;
      n = next;
    } else if (n.kind === 'map') n = n.of;
    else return undefined;
  }
  return n;
}
