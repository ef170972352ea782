/**
 * The station directory (default `./.radiosync`):
 *
 *   radiosync.toml      the config (human-editable; see docs/config.md)
 *   keys/station.key    Ed25519 + X25519 private keys, PKCS#8 PEM, mode 0600
 *   station.sqlite      station state: transfer queue, heard list, sessions, budgets; also the
 *                       record store when no application database is configured
 *   versions/           overwritten and deleted files (folder sync), kept for a configurable time
 *   inbox/              bundles received, outbox/ bundles written (optional)
 */
import { isAbsolute, join, resolve } from 'node:path';

export const DEFAULT_HOME = '.radiosync';

export interface HomeLayout {
  home: string;
  config: string;
  keyFile: string;
  stationDb: string;
  versions: string;
}

export function homeLayout(home: string = DEFAULT_HOME): HomeLayout {
  const h = resolve(home);
  return {
    home: h,
    config: join(h, 'radiosync.toml'),
    keyFile: join(h, 'keys', 'station.key'),
    stationDb: join(h, 'station.sqlite'),
    versions: join(h, 'versions'),
  };
}

/** Paths in the config are relative to the station directory. */
export function resolveInHome(home: string, p: string): string {
  return isAbsolute(p) ? p : join(resolve(home), p);
}
