/** Test helpers: real stations (config, keys, SQLite) in a temp directory, trusting each other. */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { initStation, Station } from '../../src/station/Station.js';
import { copySampleDb, createEmptySampleDb, SAMPLE_SYNC_TABLES, SAMPLE_TABLE_CONFIG } from '../../src/demo/sampleData.js';
import type { Clock } from '../../src/clock/Clock.js';

export function tempDir(prefix = 'radiosync-sync-'): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Put `lines` (TOML) at the top of the `[online]` table of the station's config (`init` writes one). */
export function setOnlineConfig(home: string, lines: string): void {
  const f = join(home, 'radiosync.toml');
  const text = readFileSync(f, 'utf8');
  if (!text.includes('\n[online]\n')) throw new Error(`${f} has no [online] table`);
  writeFileSync(f, text.replace('\n[online]\n', `\n[online]\n${lines}\n`));
}

/** Create stations: the first on the full sample database, the rest on its empty schema. */
export function makeStations(dir: string, calls: string[], opts: { clock?: Clock; allFull?: boolean } = {}): Station[] {
  const homes = calls.map((call, i) => {
    const home = join(dir, call);
    const db = join(dir, `${call}.sqlite`);
    if (i === 0 || opts.allFull) copySampleDb(db);
    else createEmptySampleDb(db);
    initStation({ home, callsign: call, db, tables: SAMPLE_SYNC_TABLES, overrides: SAMPLE_TABLE_CONFIG, ...(opts.clock ? { clock: opts.clock } : {}), ...(i > 0 && opts.allFull ? { adoptCopy: true } : {}) });
    return home;
  });
  const stations = homes.map((h) => Station.open(h, opts.clock ? { clock: opts.clock, env: {} } : { env: {} }));
  for (const s of stations) for (const t of stations) if (s !== t) s.addPeer(t.callsign, t.publicKey());
  return stations;
}


