/**
 * Record-store benchmark.
 *
 * 1. Changeset bytes on the sample database (2,000 new rows, 500 single-field edits, 200 deletes),
 *    each against `gzip -9` of the same changes as the open JSON export (Sahana's blueprint format).
 * 2. Change capture and changeset building (and applying) on a 100,000-row table, rows/s.
 * 3. Trigger overhead on the application's own writes: the same writes to two identical databases,
 *    one with radiosync's triggers and one without, side by side in this run (ratio).
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { BenchReport } from './report.js';
import { RecordStore } from '../../src/store/RecordStore.js';
import { encodeChangeset, decodeChangeset } from '../../src/changeset/codec.js';
import { ManualClock } from '../../src/clock/ManualClock.js';
import { SAMPLE_PATH, SAMPLE_TABLES, SAMPLE_PERSONS } from '../../fixtures/gen/sampleApp.js';
import { generatePersonRows, uuidToString } from '../../fixtures/gen/personTable.js';
import { makePrng } from '../../fixtures/gen/prng.js';

const T0 = Date.UTC(2026, 10, 21, 12, 0, 0);

function gzip9(text: string): { bytes: number; tool: string } {
  const r = spawnSync('gzip', ['-9', '-c', '-n'], { input: text, maxBuffer: 1 << 28 });
  if (r.status === 0) return { bytes: r.stdout.length, tool: 'gzip -9' };
  return { bytes: gzipSync(text, { level: 9 }).length, tool: 'zlib level 9' };
}

function open(file: string, station: string, clock: ManualClock, fast = true): RecordStore {
  const db = new Database(file);
  if (fast) db.pragma('synchronous = OFF');
  return RecordStore.init(db, { station, tables: SAMPLE_TABLES, clock, adoptCopy: true });
}

function changesetBytes(dir: string): BenchReport['tables'][number] {
  // Station A1 holds the sample; B2 is a copy that has acknowledged all of it.
  const aFile = join(dir, 'a.sqlite');
  copyFileSync(SAMPLE_PATH, aFile);
  const clock = new ManualClock(T0);
  const a = open(aFile, 'A1', clock);
  const app = new Database(aFile);
  app.pragma('synchronous = OFF');
  const prng = makePrng(424242);
  const shelterIds = new Map(
    (app.prepare('SELECT uuid, id FROM shelter').all() as Array<{ uuid: string; id: number }>).map((r) => [r.uuid, r.id]),
  );
  const scenarios: Array<{ name: string; write: () => void }> = [
    {
      name: '2,000 new rows (person)',
      write: () => {
        const rows = generatePersonRows(SAMPLE_PERSONS + 2000).slice(SAMPLE_PERSONS);
        const ins = app.prepare(
          'INSERT INTO person(uuid, first_name, last_name, age, status, shelter_id, lat, lon, phone, notes) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
        );
        app.transaction(() => {
          for (const p of rows) {
            ins.run(uuidToString(p.id), p.given_name, p.family_name, p.age, p.status, shelterIds.get(uuidToString(p.shelter_id)) ?? null, p.lat, p.lon, p.phone, p.notes);
          }
        })();
      },
    },
    {
      name: '500 single-field edits',
      write: () => {
        const ids = (app.prepare('SELECT id FROM person ORDER BY id').all() as Array<{ id: number }>).map((r) => r.id);
        // A real change each time (an UPDATE to the same value is not a change and is not captured).
        const upd = app.prepare(`UPDATE person SET status = CASE WHEN status = ? THEN 'relocated' ELSE ? END WHERE id = ?`);
        const seen = new Set<number>();
        app.transaction(() => {
          while (seen.size < 500) {
            const id = prng.pick(ids);
            if (seen.has(id)) continue;
            seen.add(id);
            const v = prng.pick(['found', 'hospitalised', 'sheltered']);
            upd.run(v, v, id);
          }
        })();
      },
    },
    {
      name: '200 deletes',
      write: () => {
        const ids = (
          app.prepare('SELECT id FROM person WHERE id NOT IN (SELECT requester_id FROM supply_request WHERE requester_id IS NOT NULL) ORDER BY id').all() as Array<{ id: number }>
        ).map((r) => r.id);
        const del = app.prepare('DELETE FROM person WHERE id = ?');
        const seen = new Set<number>();
        app.transaction(() => {
          while (seen.size < 200) {
            const id = prng.pick(ids);
            if (!seen.has(id)) {
              seen.add(id);
              del.run(id);
            }
          }
        })();
      },
    },
  ];
  const rows: Array<Record<string, string | number>> = [];
  let tool = '';
  for (const sc of scenarios) {
    const base = a.versionVector()['A1'] ?? 0;
    clock.advance(60_000);
    sc.write();
    const cs = a.buildChangeset('B2', { acked: { A1: base }, maxChanges: 100_000 });
    const bytes = encodeChangeset(cs);
    const back = decodeChangeset(bytes);
    if (back.changes.length !== cs.changes.length) throw new Error('codec round trip lost changes');
    const json = JSON.stringify(a.exportChanges({ origin: 'A1', fromSeq: base + 1 }));
    const gz = gzip9(json);
    tool = gz.tool;
    rows.push({
      scenario: sc.name,
      changes: cs.changes.length,
      'changeset B': bytes.length,
      'B/change': Number((bytes.length / cs.changes.length).toFixed(1)),
      'JSON B': Buffer.byteLength(json),
      [`${tool} B`]: gz.bytes,
      'changeset/gzip': Number((bytes.length / gz.bytes).toFixed(3)),
    });
  }
  app.close();
  a.close();
  return {
    title: 'Changeset bytes on the sample database vs gzip -9 of the JSON export of the same changes',
    columns: ['scenario', 'changes', 'changeset B', 'B/change', 'JSON B', `${tool} B`, 'changeset/gzip'],
    rows,
    notes: [
      'changeset = encodeChangeset (columnar CBOR + raw deflate); JSON = RecordStore.exportChanges (open format)',
      'FKs travel as 16-byte UUIDs; edits carry only the changed field; deletes carry id + causal context',
    ],
  };
}

const ITEM_SCHEMA = `CREATE TABLE item (id INTEGER PRIMARY KEY, uuid TEXT NOT NULL UNIQUE, name TEXT NOT NULL, qty INTEGER, site TEXT, note TEXT)`;

function itemUuid(i: number): string {
  const h = (i * 2654435761) >>> 0;
  return `${h.toString(16).padStart(8, '0')}-0000-4000-8000-${i.toString(16).padStart(12, '0')}`;
}

function insertItems(db: Database.Database, n: number): number {
  const ins = db.prepare('INSERT INTO item(uuid, name, qty, site, note) VALUES (?, ?, ?, ?, ?)');
  const t = performance.now();
  db.transaction(() => {
    for (let i = 0; i < n; i++) ins.run(itemUuid(i), `item ${i}`, i % 500, `site ${i % 37}`, i % 3 === 0 ? 'checked' : null);
  })();
  return performance.now() - t;
}

function updateItems(db: Database.Database, n: number, batch: number): number {
  const upd = db.prepare('UPDATE item SET qty = qty + 1 WHERE id = ?');
  const t = performance.now();
  for (let start = 1; start <= n; start += batch) {
    db.transaction(() => {
      for (let i = start; i < start + batch && i <= n; i++) upd.run(i);
    })();
  }
  return performance.now() - t;
}

function captureAndBuild(dir: string, n: number): BenchReport['tables'][number] {
  const file = join(dir, 'big.sqlite');
  const db = new Database(file);
  db.pragma('synchronous = OFF');
  db.exec(ITEM_SCHEMA);
  const store = RecordStore.init(db, { station: 'A1', tables: [{ name: 'item' }], clock: new ManualClock(T0) });
  const app = new Database(file);
  app.pragma('synchronous = OFF');
  const tWrite = insertItems(app, n);
  let t = performance.now();
  const cap = store.capture();
  const tCapture = performance.now() - t;
  t = performance.now();
  const cs = store.buildChangeset('B2', { maxChanges: n });
  const tBuild = performance.now() - t;
  t = performance.now();
  const bytes = encodeChangeset(cs);
  const tEncode = performance.now() - t;
  // Apply at a second, empty station with the same schema.
  const file2 = join(dir, 'big2.sqlite');
  const db2 = new Database(file2);
  db2.pragma('synchronous = OFF');
  db2.exec(ITEM_SCHEMA);
  const b = RecordStore.init(db2, { station: 'B2', tables: [{ name: 'item' }], clock: new ManualClock(T0) });
  t = performance.now();
  b.applyChangeset(cs);
  const tApply = performance.now() - t;
  // Edits: 100,000 single-field updates, captured and built.
  const base = store.versionVector()['A1'] ?? 0;
  updateItems(app, n, 1000);
  t = performance.now();
  store.capture();
  const tCaptureUpd = performance.now() - t;
  t = performance.now();
  const cs2 = store.buildChangeset('B2', { acked: { A1: base }, maxChanges: n });
  const tBuildUpd = performance.now() - t;
  app.close();
  store.close();
  b.close();
  const rate = (ms: number) => Math.round(n / (ms / 1000));
  return {
    title: `Capture, build, encode and apply on a ${n.toLocaleString('en')}-row table (rows/s)`,
    columns: ['step', 'rows', 'ms', 'rows/s'],
    rows: [
      { step: 'application inserts (with triggers, 1 txn)', rows: n, ms: Math.round(tWrite), 'rows/s': rate(tWrite) },
      { step: 'capture inserts → log', rows: cap.changes, ms: Math.round(tCapture), 'rows/s': rate(tCapture) },
      { step: 'build changeset (inserts)', rows: cs.changes.length, ms: Math.round(tBuild), 'rows/s': rate(tBuild) },
      { step: 'encode changeset', rows: cs.changes.length, ms: Math.round(tEncode), 'rows/s': rate(tEncode) },
      { step: 'apply changeset at an empty station', rows: cs.changes.length, ms: Math.round(tApply), 'rows/s': rate(tApply) },
      { step: 'capture single-field updates', rows: n, ms: Math.round(tCaptureUpd), 'rows/s': rate(tCaptureUpd) },
      { step: 'build changeset (updates)', rows: cs2.changes.length, ms: Math.round(tBuildUpd), 'rows/s': rate(tBuildUpd) },
    ],
    notes: [`encoded insert changeset: ${bytes.length} bytes (${(bytes.length / n).toFixed(1)} B/row)`, 'synchronous=OFF (CPU cost, not the disk)'],
  };
}

function median(xs: number[]): number {
  const v = [...xs].sort((x, y) => x - y);
  return v[Math.floor(v.length / 2)]!;
}

function triggerOverhead(dir: string, n: number, reps = 5): BenchReport['tables'][number] {
  const make = (name: string, withTriggers: boolean) => {
    const file = join(dir, `${name}.sqlite`);
    const db = new Database(file);
    db.pragma('synchronous = OFF');
    db.exec(ITEM_SCHEMA);
    if (withTriggers) RecordStore.init(db, { station: 'A1', tables: [{ name: 'item' }], clock: new ManualClock(T0) });
    return db;
  };
  type Times = { ins: number; upd: number; del: number };
  const measure = (db: Database.Database): Times => {
    const ins = insertItems(db, n);
    const upd = updateItems(db, n, 1000);
    const t = performance.now();
    db.transaction(() => db.prepare('DELETE FROM item WHERE id % 10 = 0').run())();
    return { ins, upd, del: performance.now() - t };
  };
  // Each repetition runs both configurations back to back (alternating which goes first) and
  // yields one ratio per operation; the median ratio is reported, so a noisy moment on a shared
  // machine does not decide the figure.
  const runs: Array<{ plain: Times; triggers: Times }> = [];
  for (let rep = 0; rep < reps; rep++) {
    const order = rep % 2 === 0 ? (['plain', 'triggers'] as const) : (['triggers', 'plain'] as const);
    const r: Partial<Record<'plain' | 'triggers', Times>> = {};
    for (const kind of order) {
      const db = make(`${kind}${rep}`, kind === 'triggers');
      r[kind] = measure(db);
      db.close();
    }
    runs.push({ plain: r.plain!, triggers: r.triggers! });
  }
  // The application's usual pattern: one small durable transaction per request (default
  // synchronous=FULL, one fsync each). Same 100 single-row updates on both databases.
  const durableRuns: Array<{ plain: number; triggers: number }> = [];
  for (let rep = 0; rep < 3; rep++) {
    const r = { plain: 0, triggers: 0 };
    for (const kind of rep % 2 === 0 ? (['plain', 'triggers'] as const) : (['triggers', 'plain'] as const)) {
      const db = make(`durable-${kind}${rep}`, kind === 'triggers');
      insertItems(db, 1000);
      db.pragma('synchronous = FULL');
      const upd = db.prepare('UPDATE item SET qty = qty + 1 WHERE id = ?');
      const t = performance.now();
      for (let i = 1; i <= 100; i++) upd.run(i);
      r[kind] = performance.now() - t;
      db.close();
    }
    durableRuns.push(r);
  }
  const durable = {
    plain: median(durableRuns.map((x) => x.plain)),
    triggers: median(durableRuns.map((x) => x.triggers)),
    ratio: median(durableRuns.map((x) => x.triggers / x.plain)),
  };
  const row = (op: string, rows: number, k: keyof Times) => ({
    operation: op,
    rows,
    'plain ms (median)': Math.round(median(runs.map((x) => x.plain[k]))),
    'with triggers ms (median)': Math.round(median(runs.map((x) => x.triggers[k]))),
    'ratio (median of pairs)': Number(median(runs.map((x) => x.triggers[k] / x.plain[k])).toFixed(2)),
  });
  return {
    title: `Trigger overhead on the application's own writes (same writes, side by side, ${reps} paired runs)`,
    columns: ['operation', 'rows', 'plain ms (median)', 'with triggers ms (median)', 'ratio (median of pairs)'],
    rows: [
      row('INSERT, one transaction', n, 'ins'),
      row('UPDATE one field, 1,000 per transaction', n, 'upd'),
      row('DELETE 10 % in one statement', n / 10, 'del'),
      {
        operation: 'UPDATE, autocommit + fsync each (durable)',
        rows: 100,
        'plain ms (median)': Math.round(durable.plain),
        'with triggers ms (median)': Math.round(durable.triggers),
        'ratio (median of pairs)': Number(durable.ratio.toFixed(2)),
      },
    ],
    notes: [
      'first three rows: synchronous=OFF, the CPU overhead alone; last row: default durability, one fsync per statement (3 pairs); fsync time on a shared disk is noisy',
      'each write also inserts one row into radiosync_capture (table, op, uuid, changed-column list)',
    ],
  };
}

export async function run(): Promise<BenchReport> {
  const dir = mkdtempSync(join(tmpdir(), 'radiosync-bench-store-'));
  try {
    const n = Number(process.env['RADIOSYNC_BENCH_ROWS'] ?? 100_000);
    return { tables: [changesetBytes(dir), captureAndBuild(dir, n), triggerOverhead(dir, Math.min(n, 50_000))] };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
