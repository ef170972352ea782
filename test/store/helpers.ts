/** Test helpers: stations on copies of the sample database in a temp dir, with manual clocks. */
import { mkdtempSync, mkdirSync, copyFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { ManualClock } from '../../src/clock/ManualClock.js';
import { RecordStore, type InitOptions } from '../../src/store/RecordStore.js';
import { SAMPLE_PATH, SAMPLE_TABLES } from '../../fixtures/gen/sampleApp.js';
import type { TableSpec } from '../../src/store/tables.js';

export const T0 = Date.UTC(2026, 10, 21, 12, 0, 0);

export function tempDir(prefix = 'radiosync-store-'): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

export interface Station {
  name: string;
  file: string;
  store: RecordStore;
  clock: ManualClock;
  /** The application's own connection (plain SQL, no radiosync). */
  app: Database.Database;
}

/** Station `name` on a copy of the sample DB; the first one snapshots, others adopt a copy of `seedFile`. */
export function makeStation(
  dir: string,
  name: string,
  opts: { seedFile?: string; clock?: ManualClock; extra?: Partial<InitOptions>; durable?: boolean } = {},
): Station {
  const file = join(dir, `${name}.sqlite`);
  copyFileSync(opts.seedFile ?? SAMPLE_PATH, file);
  const clock = opts.clock ?? new ManualClock(T0);
  const fast = opts.durable !== true;
  const db = new Database(file);
  const app = new Database(file);
  if (fast) {
    // Tests only: no fsync and no journal file per statement (the disk here syncs in ~20 ms).
    for (const c of [db, app]) {
      c.pragma('journal_mode = MEMORY');
      c.pragma('synchronous = OFF');
    }
  }
  const store = RecordStore.init(db, {
    station: name,
    tables: SAMPLE_TABLES,
    clock,
    adoptCopy: opts.seedFile !== undefined,
    ...opts.extra,
  });
  return { name, file, store, clock, app };
}

/** Table contents with local ids replaced by UUIDs and local columns left out: comparable across stations. */
export function snapshot(st: Station): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const spec of st.store.tables()) out[spec.name] = tableRows(st.app, spec);
  return out;
}

function tableRows(db: Database.Database, spec: TableSpec): string[] {
  const cols = [spec.uuidColumn, ...spec.fields, ...(spec.deletedColumn ? [spec.deletedColumn] : [])];
  // Excluded rows (fixed-UUID reference rows, the exclusion predicate) are local by design.
  const where = spec.exclude ? `WHERE NOT (${spec.exclude})` : '';
  const rows = (db.prepare(`SELECT * FROM "${spec.name}" ${where}`).all() as Array<Record<string, unknown>>).filter(
    (r) => !spec.excludeUuids.has(String(r[spec.uuidColumn])),
  );
  const lookups = new Map<string, Database.Statement>();
  for (const [c, fk] of spec.fks) {
    if (fk.targetColumn !== fk.uuidColumn) {
      lookups.set(c, db.prepare(`SELECT "${fk.uuidColumn}" AS u FROM "${fk.table}" WHERE "${fk.targetColumn}" = ?`));
    }
  }
  return rows
    .map((r) => {
      const o: Record<string, unknown> = {};
      for (const c of cols) {
        const lookup = lookups.get(c);
        if (lookup !== undefined && r[c] !== null) {
          const t = lookup.get(r[c]) as { u: string } | undefined;
          o[c] = t === undefined ? `dangling:${String(r[c])}` : `->${t.u}`;
        } else o[c] = r[c];
      }
      return JSON.stringify(o);
    })
    .sort();
}

export function closeAll(stations: Station[]): void {
  for (const s of stations) {
    s.app.close();
    s.store.close();
  }
}

/** Every pair of stations tells the other what it holds (the initial hello of a sync session). */
export function introduce(stations: Station[]): void {
  for (const a of stations) for (const b of stations) if (a !== b) a.store.acknowledge(b.name, b.store.versionVector());
}

/** Build at `from` for `to`, apply at `to`, acknowledge back. */
export function syncOnce(from: Station, to: Station): import('../../src/store/apply.js').ApplyResult {
  const cs = from.store.buildChangeset(to.name);
  const r = to.store.applyChangeset(cs);
  from.store.acknowledge(to.name, r.ack);
  return r;
}

/** A seeded sample database (station A1 snapshotted) to copy for each test. */
export function seedFile(dir: string): string {
  const seedDir = join(dir, 'seed');
  mkdirSync(seedDir, { recursive: true });
  const s = makeStation(seedDir, 'A1');
  s.app.close();
  s.store.close();
  return s.file;
}

/** Assert two stations hold the same synced rows; on failure, show only the differing rows. */
export function assertSameTables(a: Station, b: Station): void {
  const x = snapshot(a);
  const y = snapshot(b);
  const diffs: string[] = [];
  for (const t of Object.keys(x)) {
    const sx = new Set(x[t]);
    const sy = new Set(y[t]);
    for (const r of sx) if (!sy.has(r)) diffs.push(`only at ${a.name}: ${t} ${r}`);
    for (const r of sy) if (!sx.has(r)) diffs.push(`only at ${b.name}: ${t} ${r}`);
  }
  if (diffs.length > 0) throw new Error(`${a.name} and ${b.name} differ:\n${diffs.slice(0, 10).join('\n')}`);
}
