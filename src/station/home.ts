/**
 * The station directory (default `./.radiosync`):
 *
 *   radiosync.toml      the config (human-editable; see docs/config.md)
 *   keys/station.key    Ed25519 + X25519 private keys, PKCS#8 PEM, mode 0600
 *   station.sqlite      station state: transfer queue, heard list, sessions, budgets; also the
 *                       record store when no application database is configured
 *   files/              folder sync: chunks.sqlite (the chunk store) and versions/ (overwritten and
 *                       deleted files, kept for a configurable time)
 */
import { isAbsolute, join, resolve } from 'node:path';

export const DEFAULT_HOME = '.radiosync';

export interface HomeLayout {
  home: string;
  config: string;
  keyFile: string;
  stationDb: string;
}

export function homeLayout(home: string = DEFAULT_HOME): HomeLayout {
  const h = resolve(home);
  return {
    home: h,
    config: join(h, 'radiosync.toml'),
    keyFile: join(h, 'keys', 'station.key'),
    stationDb: join(h, 'station.sqlite'),
  };
}

/** Paths in the config are relative to the station directory. */
export function resolveInHome(home: string, p: string): string {
  return isAbsolute(p) ? p : join(resolve(home), p);
}
