/**
 * What radiosync needs to know about a synced table, read from the options given to `init` and
 * from SQLite's own catalog (`PRAGMA table_info`, `PRAGMA foreign_key_list`).
 *
 * A synced table needs a UUID column (default name `uuid`, UNIQUE, holding `8-4-4-4-12` text,
 * optionally with a fixed prefix such as `urn:uuid:`). It may have a local INTEGER PRIMARY KEY
 * (never synced: each station numbers its rows itself); foreign keys by that local id are
 * translated to the referenced row's UUID on the wire and back on apply.
 */
import type Database from 'better-sqlite3';
import type { FieldValue, StationId } from '../changeset/Changeset.js';
import { makeError } from '../errors/RadiosyncError.js';
import { STORE_ERRORS } from './errors.js';
import { STORE_PREFIX } from './limits.js';

/** A candidate value in a conflict, as a custom resolver sees it. */
export interface ConflictCandidate {
  origin: StationId;
  seq: number;
  hlc: bigint;
  value: FieldValue;
}

/**
 * A custom resolver picks the winner among *concurrent* candidates (none saw the others). It must be
 * a pure, deterministic function of its arguments (not of the station it runs on, nor of time), or
 * stations will not converge. Return the index of the winner in `candidates`.
 */
export type ConflictResolver = (
  candidates: readonly ConflictCandidate[],
  info: { table: string; field: string; id: Uint8Array },
) => number;

/**
 * - `newer`: the concurrent edit with the higher HLC wins (ties: higher origin id). Default. Converges.
 * - `{ master: 'N0CALL' }`: a concurrent edit from the master station wins, else newer. Converges.
 * - `custom`: the resolver given at open time for this table decides. Converges if it is deterministic.
 * - `keep-local` / `take-remote`: this station's own edit (or the remote one) wins a concurrent
 *   conflict. These do NOT converge by design: each station keeps its own choice (Sahana's THIS/OTHER).
 */
export type ConflictPolicy = 'newer' | 'keep-local' | 'take-remote' | 'custom' | { master: StationId };

export interface ForeignKeyOption {
  /** Referenced table. */
  table: string;
  /** Referenced column (default: the referenced table's primary key). */
  column?: string;
  /** UUID column of the referenced table (default: its sync option, else `uuid`). */
  uuidColumn?: string;
}

export interface TableOptions {
  name: string;
  /** Column holding the row's global id. Default `uuid`. */
  uuidColumn?: string;
  /** Fixed text before the UUID in that column (e.g. `urn:uuid:`); stripped on the wire. */
  uuidPrefix?: string;
  /** column → referenced table. Default: the table's declared `REFERENCES` clauses. */
  foreignKeys?: Record<string, string | ForeignKeyOption>;
  /** Columns never synced (site-specific values, local timestamps). */
  localColumns?: string[];
  /** Soft-delete column (Sahana's `deleted`): a delete sets it to 1 instead of removing the row. */
  deletedColumn?: string;
  /** SQL boolean expression over the table's columns: matching rows are never sent. */
  exclude?: string;
  /** UUIDs (text) never sent, e.g. reference rows with fixed UUIDs. */
  excludeUuids?: string[];
  policy?: ConflictPolicy;
}

export interface ForeignKeySpec {
  column: string;
  table: string;
  /** Referenced column; equal to `uuidColumn` when the reference is by UUID text. */
  targetColumn: string;
  uuidColumn: string;
  uuidPrefix: string;
}

export interface TableSpec {
  name: string;
  uuidColumn: string;
  uuidPrefix: string;
  /** Local integer primary key (not synced), or null. */
  pkColumn: string | null;
  /** Declared type of each column (as in CREATE TABLE; '' when none): the affinity rule (affinity.ts). */
  types: Map<string, string>;
  columns: string[];
  /** Columns that travel as fields. */
  fields: string[];
  fks: Map<string, ForeignKeySpec>;
  deletedColumn: string | null;
  exclude: string | null;
  excludeUuids: Set<string>;
  policy: ConflictPolicy;
  options: TableOptions;
}

interface ColumnInfo {
  name: string;
  type: string;
  pk: number;
}

/**
 * `data.option` names the {@link TableOptions} field at fault (`uuidColumn`, `localColumns`, …) so
 * that the station layer can name the config key instead (`records.table.<name>.uuid_column`).
 */
function configError(message: string, data: Record<string, unknown>): Error {
  return makeError(STORE_ERRORS, 'RS_ERR_STORE_CONFIG', message, data);
}

/** Lower-case `8-4-4-4-12` UUID text, the only form radiosync reads from a UUID column. */
export const UUID_TEXT = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

const quoted = new Map<string, string>();

/** `name` as an SQL identifier (remembered: the same few names are quoted for every row applied). */
export function quoteIdent(name: string): string {
  let q = quoted.get(name);
  if (q === undefined) {
    q = `"${name.replace(/"/g, '""')}"`;
    if (quoted.size < 4096) quoted.set(name, q);
  }
  return q;
}

function tableInfo(db: Database.Database, table: string): ColumnInfo[] {
  return db.prepare(`SELECT name, type, pk FROM pragma_table_info(?)`).all(table) as ColumnInfo[];
}

/** Resolve options against the database catalog; `all` gives the options of every synced table. */
export function resolveTableSpec(db: Database.Database, opts: TableOptions, all: readonly TableOptions[]): TableSpec {
  const name = opts.name;
  if (name.startsWith(STORE_PREFIX) || name.startsWith('@') || name.startsWith('sqlite_')) {
    throw configError(`table name ${name} is reserved`, { table: name });
  }
  const cols = tableInfo(db, name);
  if (cols.length === 0) throw configError(`no table ${name} in the database`, { table: name, option: 'name' });
  const names = cols.map((c) => c.name);
  const uuidColumn = opts.uuidColumn ?? 'uuid';
  if (!names.includes(uuidColumn)) {
    throw configError(`table ${name} has no UUID column ${uuidColumn} (name the table's UUID column, or let init add one with --add-uuids)`, {
      table: name,
      uuidColumn,
      option: 'uuidColumn',
    });
  }
  const pks = cols.filter((c) => c.pk > 0);
  const pkColumn =
    pks.length === 1 && pks[0]!.name !== uuidColumn && /^INT/i.test(pks[0]!.type) ? pks[0]!.name : null;
  for (const c of opts.localColumns ?? []) {
    if (!names.includes(c)) throw configError(`table ${name} has no column ${c}`, { table: name, column: c, option: 'localColumns' });
  }
  if (opts.deletedColumn && !names.includes(opts.deletedColumn)) {
    throw configError(`table ${name} has no column ${opts.deletedColumn}`, { table: name, column: opts.deletedColumn, option: 'deletedColumn' });
  }
  if (opts.deletedColumn && opts.deletedColumn === uuidColumn) {
    throw configError(`table ${name}: the soft-delete column cannot be the UUID column`, { table: name, column: uuidColumn, option: 'deletedColumn' });
  }
  const fks = new Map<string, ForeignKeySpec>();
  const fkOpts: Record<string, ForeignKeyOption> = {};
  if (opts.foreignKeys !== undefined) {
    for (const [c, v] of Object.entries(opts.foreignKeys)) fkOpts[c] = typeof v === 'string' ? { table: v } : v;
  } else {
    const declared = db.prepare(`SELECT "from", "table", "to" FROM pragma_foreign_key_list(?)`).all(name) as Array<{
      from: string;
      table: string;
      to: string | null;
    }>;
    for (const d of declared) fkOpts[d.from] = d.to ? { table: d.table, column: d.to } : { table: d.table };
  }
  for (const [column, fk] of Object.entries(fkOpts)) {
    if (!names.includes(column)) throw configError(`table ${name} has no column ${column}`, { table: name, column, option: 'foreignKeys' });
    if ((opts.localColumns ?? []).includes(column)) continue;
    const tcols = tableInfo(db, fk.table);
    if (tcols.length === 0) throw configError(`${name}.${column} references missing table ${fk.table}`, { table: name, column, option: 'foreignKeys' });
    const targetOpts = all.find((t) => t.name === fk.table);
    const tUuid = fk.uuidColumn ?? targetOpts?.uuidColumn ?? 'uuid';
    if (!tcols.some((c) => c.name === tUuid)) {
      throw configError(
        `${name}.${column} references ${fk.table}, which has no UUID column ${tUuid}; list ${column} in localColumns or give uuidColumn`,
        { table: name, column, references: fk.table, option: 'foreignKeys' },
      );
    }
    const tpk = tcols.filter((c) => c.pk > 0);
    const targetColumn = fk.column ?? (tpk.length === 1 ? tpk[0]!.name : 'rowid');
    fks.set(column, {
      column,
      table: fk.table,
      targetColumn,
      uuidColumn: tUuid,
      uuidPrefix: targetOpts?.uuidPrefix ?? '',
    });
  }
  if (opts.exclude !== undefined && opts.exclude !== '') {
    try {
      db.prepare(`SELECT 1 FROM ${quoteIdent(name)} WHERE (${opts.exclude}) LIMIT 0`);
    } catch (e) {
      throw configError(`table ${name}: the exclude condition is not valid SQL over its columns: ${(e as Error).message}`, {
        table: name,
        option: 'exclude',
      });
    }
  }
  for (const u of opts.excludeUuids ?? []) {
    const body = opts.uuidPrefix && u.startsWith(opts.uuidPrefix) ? u.slice(opts.uuidPrefix.length) : u;
    if (!UUID_TEXT.test(body)) throw configError(`table ${name}: ${JSON.stringify(u)} in the excluded UUIDs is not a lower-case UUID`, { table: name, option: 'excludeUuids', value: u });
  }
  const skip = new Set([uuidColumn, ...(pkColumn ? [pkColumn] : []), ...(opts.localColumns ?? [])]);
  if (opts.deletedColumn) skip.add(opts.deletedColumn);
  return {
    name,
    uuidColumn,
    uuidPrefix: opts.uuidPrefix ?? '',
    pkColumn,
    columns: names,
    types: new Map(cols.map((c) => [c.name, c.type])),
    fields: names.filter((n) => !skip.has(n)),
    fks,
    deletedColumn: opts.deletedColumn ?? null,
    exclude: opts.exclude ?? null,
    excludeUuids: new Set(opts.excludeUuids ?? []),
    policy: opts.policy ?? 'newer',
    options: opts,
  };
}
