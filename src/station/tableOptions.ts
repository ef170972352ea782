/**
 * The record store's table options, from a station's config ([records] and
 * [records.table.<name>]), and back: which config key a store option came from, so that every
 * error and every "changed since init" names the key the user edits (`records.table.Artist.uuid_column`,
 * `records.uuid_column`), never the API field (`uuidColumn`).
 */
import type { StationConfig } from '../config/schema.js';
import { CONFIG_ERRORS } from '../config/errors.js';
import { isRadiosyncError, makeError, RadiosyncError } from '../errors/RadiosyncError.js';
import type { ConflictPolicy, TableOptions } from '../store/tables.js';

/** The store options radiosync compares and keeps, in a fixed order. */
export const TABLE_OPTION_FIELDS = ['uuidColumn', 'uuidPrefix', 'policy', 'foreignKeys', 'exclude', 'excludeUuids', 'deletedColumn', 'localColumns'] as const;
export type TableOptionField = (typeof TABLE_OPTION_FIELDS)[number] | 'name';

function policyOf(cfg: StationConfig, name: string): ConflictPolicy {
  const t = cfg.records.table[name];
  const p = t?.conflict || cfg.records.conflict;
  if (p === 'local') return 'keep-local';
  if (p === 'remote') return 'take-remote';
  if (p === 'master') {
    if (cfg.records.master === '') {
      throw makeError(CONFIG_ERRORS, 'RS_ERR_CONFIG_INVALID', `${configKeyFor(cfg, name, 'policy')} is "master" but records.master names no station`, {
        key: 'records.master',
        expected: 'a callsign',
      });
    }
    return { master: cfg.records.master };
  }
  return 'newer';
}

/**
 * The options of every synced table. A [records.table.<name>] section for a table that is
 * neither synced nor excluded is refused (it would otherwise be silently ignored).
 */
export function tableOptionsFromConfig(cfg: StationConfig): TableOptions[] {
  for (const name of Object.keys(cfg.records.table)) {
    if (!cfg.records.tables.includes(name) && !cfg.records.exclude_tables.includes(name)) {
      throw makeError(CONFIG_ERRORS, 'RS_ERR_CONFIG_INVALID', `records.table.${name} is set but ${name} is not in records.tables`, {
        key: `records.table.${name}`,
        expected: 'a table listed in records.tables',
      });
    }
  }
  const names = cfg.records.tables.filter((t) => !cfg.records.exclude_tables.includes(t));
  return names.map((name) => {
    const t = cfg.records.table[name];
    const o: TableOptions = { name, uuidColumn: t?.uuid_column || cfg.records.uuid_column, policy: policyOf(cfg, name) };
    if (t && Object.keys(t.foreign_keys).length > 0) o.foreignKeys = t.foreign_keys;
    if (t?.exclude_where) o.exclude = t.exclude_where;
    if (t && t.exclude_uuids.length > 0) o.excludeUuids = t.exclude_uuids;
    if (t?.deleted_column) o.deletedColumn = t.deleted_column;
    if (t && t.local_columns.length > 0) o.localColumns = t.local_columns;
    return o;
  });
}

/** The config key a table option comes from. */
export function configKeyFor(cfg: StationConfig, table: string, option: string): string {
  const t = cfg.records.table[table];
  switch (option) {
    case 'uuidColumn':
      return t?.uuid_column ? `records.table.${table}.uuid_column` : 'records.uuid_column';
    case 'policy':
      return t?.conflict ? `records.table.${table}.conflict` : 'records.conflict';
    case 'foreignKeys':
      return `records.table.${table}.foreign_keys`;
    case 'exclude':
      return `records.table.${table}.exclude_where`;
    case 'excludeUuids':
      return `records.table.${table}.exclude_uuids`;
    case 'deletedColumn':
      return `records.table.${table}.deleted_column`;
    case 'localColumns':
      return `records.table.${table}.local_columns`;
    default:
      return 'records.tables';
  }
}

/**
 * A store error about a table option, re-issued with the config key in its message and in
 * `data.key` (same code, same exit). Other errors pass through unchanged.
 */
export function withConfigKey(cfg: StationConfig, e: unknown): unknown {
  if (!isRadiosyncError(e) || typeof e.data['option'] !== 'string' || typeof e.data['table'] !== 'string') return e;
  const key = configKeyFor(cfg, e.data['table'], e.data['option']);
  return new RadiosyncError(e.code, `${key}: ${e.message}`, { ...e.data, key }, { exit: e.exit, cause: e });
}

function canonical(v: unknown): string {
  if (v === undefined || (Array.isArray(v) && v.length === 0)) return '';
  if (v !== null && typeof v === 'object' && !Array.isArray(v)) {
    const o = v as Record<string, unknown>;
    const keys = Object.keys(o).sort();
    return keys.length === 0 ? '' : JSON.stringify(Object.fromEntries(keys.map((k) => [k, o[k]])));
  }
  return JSON.stringify(v);
}

/** The config keys whose value differs between the options stored at init and the config's. */
export function changedKeys(cfg: StationConfig, stored: readonly TableOptions[], wanted: readonly TableOptions[]): string[] {
  const out = new Set<string>();
  const had = new Map(stored.map((t) => [t.name, t]));
  const want = new Map(wanted.map((t) => [t.name, t]));
  if ([...had.keys()].sort().join(',') !== [...want.keys()].sort().join(',')) out.add('records.tables');
  for (const [name, w] of want) {
    const h = had.get(name);
    if (h === undefined) continue;
    for (const f of TABLE_OPTION_FIELDS) {
      const a = f === 'uuidColumn' ? (h[f] ?? 'uuid') : f === 'policy' ? (h[f] ?? 'newer') : h[f];
      const b = f === 'uuidColumn' ? (w[f] ?? 'uuid') : f === 'policy' ? (w[f] ?? 'newer') : w[f];
      if (canonical(a) !== canonical(b)) out.add(configKeyFor(cfg, name, f));
    }
  }
  return [...out];
}
