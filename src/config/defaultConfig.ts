import { mergeLayers } from './overrides.js';
import type { StationConfig } from './schema.js';
import { validateConfig } from './validateConfig.js';

export interface NewStationOptions {
  /** CALL or CALL-SSID (required). */
  callsign: string;
  owner?: string;
  contact?: string;
  /** Database file, relative to the station directory. */
  db?: string;
  tables?: string[];
  /** name → path */
  folders?: Record<string, string>;
  /** Hardware profile name (radio.profile). */
  profile?: string;
  /** Any other keys, nested or dotted, e.g. { 'radio.bitrate': 9600 }. */
  overrides?: Record<string, unknown>;
}

/**
 * A complete config for a new station: schema defaults plus what `radiosync init` was told.
 * Validated, so a bad callsign or table name fails here with the usual typed error.
 */
export function defaultConfig(opts: NewStationOptions): StationConfig {
  const base: Record<string, unknown> = { station: { callsign: opts.callsign } };
  const station = base.station as Record<string, unknown>;
  if (opts.owner !== undefined) station.owner = opts.owner;
  if (opts.contact !== undefined) station.contact = opts.contact;
  const records: Record<string, unknown> = {};
  if (opts.db !== undefined) records.db = opts.db;
  if (opts.tables !== undefined) records.tables = opts.tables;
  if (Object.keys(records).length > 0) base.records = records;
  if (opts.folders !== undefined) base.folders = opts.folders;
  if (opts.profile !== undefined) base.radio = { profile: opts.profile };
  const extra: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(opts.overrides ?? {})) {
    const path = k.split('.');
    let o = extra;
    for (const p of path.slice(0, -1)) o = (o[p] ??= {}) as Record<string, unknown>;
    o[path[path.length - 1]!] = v;
  }
  return validateConfig(mergeLayers(base, extra), { source: 'init' });
}
