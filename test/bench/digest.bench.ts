/**
 * State digests and repair (`npm run bench -- digest`), two real stations (SQLite, keys, the
 * station runtime) over the simulated channel at 9600 bit/s, 0 % loss, on virtual time:
 *
 * 1. the in-sync exchange: a `sync` between stations that already agree (HELLO S → N ‖ hash, or N ‖ summary →
 *    Q): bytes of digest, frames and bytes on air;
 * 2. one differing row among 100,000: (a) lost at B behind radiosync's back (the vectors agree,
 *    only the digests see it), (b) edited at A (the vectors differ by one): the whole `sync`
 *    session, and the repair part of it alone (PROBE → REPLY with the history → ack), bytes on air (both
 *    stations, AX.25 framing included) and turnarounds;
 * 3. a folder with a 20 MB file and a 200,000-row table moved by bundles with receipts
 *    (`--max-bytes` 8 MiB parts), the verdict at every step until it converges.
 *
 * Targets (issue 13): in sync ≤ 64 B of digest on air; 1 in 100,000 found and repaired with
 * ≤ 2 KB on air and ≤ 3 turnarounds; the bundle case converges and says "differs" until it does.
 */
import { writeFileSync, mkdirSync, copyFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { ManualClock } from '../../src/clock/ManualClock.js';
import { RadioChannel, SIM_DIAGNOSTICS } from '../../src/sim/RadioChannel.js';
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { StationRuntime } from '../../src/sync/StationRuntime.js';
import { simRadioPort } from '../../src/sync/FramePort.js';
import { initStation, Station } from '../../src/station/Station.js';
import { syncSession } from '../../src/sync/sessions.js';
import { exportBundle, importBundle } from '../../src/sync/bundles.js';
import { FolderSync } from '../../src/sync/FolderSync.js';
import { stateDigest, verdictFor, formatVerdict } from '../../src/sync/stateDigest.js';
import { tableFingerprints } from '../../src/sync/tableFingerprint.js';
import { tempDir } from '../sync/stations.js';
import type { LinkStats } from '../../src/link/linkEvents.js';
import type { BenchReport } from './report.js';
import { xorshift } from './content.js';

const T0 = Date.UTC(2026, 10, 21, 12);

function itemDb(file: string, rows: number, table = 'item'): void {
  const db = new Database(file);
  db.exec(`CREATE TABLE IF NOT EXISTS ${table} (uuid TEXT PRIMARY KEY, name TEXT NOT NULL, qty INTEGER NOT NULL)`);
  const ins = db.prepare(`INSERT INTO ${table} VALUES (?, ?, ?)`);
  const rnd = xorshift(16 * rows, rows);
  db.transaction(() => {
    for (let i = 0; i < rows; i++) {
      const b = Buffer.from(rnd.subarray(16 * i, 16 * i + 16));
      b[6] = (b[6]! & 0x0f) | 0x40;
      b[8] = (b[8]! & 0x3f) | 0x80;
      const h = b.toString('hex');
      ins.run(`${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`, `item ${i}`, i % 97);
    }
  })();
  db.close();
}

/** Two stations holding the same `rows` items (B started from a copy of A's database). */
function pair(dir: string, rows: number, clock: ManualClock): [Station, Station] {
  itemDb(join(dir, 'a.sqlite'), rows);
  initStation({ home: join(dir, 'A'), callsign: 'N0AAA', db: join(dir, 'a.sqlite'), tables: ['item'], clock });
  const a = Station.open(join(dir, 'A'), { clock, env: {} });
  a.records.capture();
  a.records.db.pragma('wal_checkpoint(TRUNCATE)');
  copyFileSync(join(dir, 'a.sqlite'), join(dir, 'b.sqlite'));
  initStation({ home: join(dir, 'B'), callsign: 'N0BBB', db: join(dir, 'b.sqlite'), tables: ['item'], clock, adoptCopy: true });
  const b = Station.open(join(dir, 'B'), { clock, env: {} });
  a.addPeer('N0BBB', b.publicKey());
  b.addPeer('N0AAA', a.publicKey());
  // they synced before: each knows the other holds everything (as after an earlier session)
  a.records.acknowledge('N0BBB', a.records.versionVector());
  b.records.acknowledge('N0AAA', b.records.versionVector());
  return [a, b];
}

interface Air {
  bytes: number;
  frames: number;
  keyUps: number;
  turnarounds: number;
}

function air(s: LinkStats[]): Air {
  return {
    bytes: Math.round(s.reduce((n, x) => n + x.bytesOnAirEstimate, 0)),
    frames: s.reduce((n, x) => n + x.framesSent, 0),
    keyUps: s.reduce((n, x) => n + x.keyUps, 0),
    turnarounds: s.reduce((n, x) => n + x.turnarounds, 0),
  };
}

function minus(a: Air, b: Air): Air {
  return { bytes: a.bytes - b.bytes, frames: a.frames - b.frames, keyUps: a.keyUps - b.keyUps, turnarounds: a.turnarounds - b.turnarounds };
}

async function radioCase(name: string, rows: number, spoil: (a: Station, b: Station) => void): Promise<Record<string, string | number>> {
  const { dir, cleanup } = tempDir('radiosync-bench-digest-');
  const clock = new ManualClock(T0);
  const [a, b] = pair(dir, rows, clock);
  const channel = new RadioChannel({ clock, seed: 1, bitrate: 9600, loss: { kind: 'iid', p: 0 } });
  const ra = new StationRuntime({ station: a, port: simRadioPort(channel.attach('N0AAA')), bitrate: 9600 });
  const rb = new StationRuntime({ station: b, port: simRadioPort(channel.attach('N0BBB')), bitrate: 9600 });
  const stats = (): Air => air([ra.link.stats, rb.link.stats]);
  try {
    const runSync = async () => {
      let done = false;
      const p = syncSession(ra, 'N0BBB', { timeoutMs: 3600_000 }).finally(() => (done = true));
      await clock.run(() => done, 6 * 3600_000);
      return p;
    };
    // first a sync that finds them equal (both record each other's digest)
    const s0 = stats();
    const first = await runSync();
    const inSync = minus(stats(), s0);
    spoil(a, b);
    let atRepair: Air | undefined;
    let afterRepair: Air | undefined;
    ra.on('repaired', () => (afterRepair = stats()));
    // the repair starts at either end: B answers an idle sync request whose digest differs with a
    // PROBE; A probes when the digests still differ at the end of its session
    const bRepairs: Array<{ bytes: number }> = [];
    rb.on('repaired', (e) => bRepairs.push(e.result));
    for (const rt of [ra, rb]) {
      const repair = (rt as unknown as { repair: { start: (p: string, s?: Uint8Array) => void } }).repair;
      const orig = repair.start.bind(repair);
      repair.start = (p: string, sum?: Uint8Array) => {
        atRepair ??= stats();
        orig(p, sum);
      };
    }
    const s1 = stats();
    // RADIOSYNC_DIGEST_TRACE=1: print every key-up of the second session (who, when, frames, bytes)
    let frames: number[] = [];
    const onFrame = (m: unknown) => {
      const f = m as { from: string; bytes: number; to: string };
      if (f.to !== f.from) frames.push(f.bytes);
    };
    const trace = process.env.RADIOSYNC_DIGEST_TRACE ? (m: unknown) => {
      const k = m as { station: string; at: number; airtimeMs: number };
      console.log(`  ${k.station} +${k.at - T0} ms ${Math.round(k.airtimeMs)} ms on air: ${frames.length} frames [${frames.join(' ')}]`);
      frames = [];
    } : undefined;
    if (trace) subscribe(SIM_DIAGNOSTICS.frame, onFrame);
    if (trace) subscribe(SIM_DIAGNOSTICS.keyDown, trace);
    const r = await runSync();
    if (trace) {
      unsubscribe(SIM_DIAGNOSTICS.keyDown, trace);
      unsubscribe(SIM_DIAGNOSTICS.frame, onFrame);
    }
    const whole = minus(stats(), s1);
    // the repair alone: from the PROBE until B's receipt of the history has come back (digest heard)
    const repair = atRepair ? minus(stats(), atRepair) : undefined;
    void afterRepair;
    return {
      case: name,
      rows,
      firstInSync: first.verdicts['N0BBB']?.state ?? '?',
      inSyncBytes: inSync.bytes,
      inSyncKeyUps: inSync.keyUps,
      verdictAfter: formatVerdict(r.verdicts['N0BBB'] ?? { state: 'unknown', reason: '?' }),
      tablesEqual: JSON.stringify(tableFingerprints(a.records)) === JSON.stringify(tableFingerprints(b.records)) ? 'yes' : 'NO',
      syncBytes: whole.bytes,
      syncTurnarounds: whole.turnarounds,
      repairs: r.repairs.length + bRepairs.length,
      repairBytes: repair?.bytes ?? 0,
      repairTurnarounds: repair?.turnarounds ?? 0,
      repairKeyUps: repair?.keyUps ?? 0,
      probeBytes: (r.repairs[0] ?? bRepairs[0])?.bytes ?? 0,
    };
  } finally {
    ra.close();
    rb.close();
    a.close();
    b.close();
    cleanup();
  }
}

function loseOneRow(_a: Station, b: Station): void {
  const row = b.records.db.prepare('SELECT uuid FROM item LIMIT 1 OFFSET ?').get(Math.floor(ROWS * 0.54321)) as { uuid: string };
  const id = Buffer.from(row.uuid.replace(/-/g, ''), 'hex');
  b.records.db.exec('UPDATE radiosync_state SET applying = 1');
  b.records.db.prepare('DELETE FROM radiosync_log WHERE tbl = ? AND id = ?').run('item', id);
  b.records.db.prepare('DELETE FROM item WHERE uuid = ?').run(row.uuid);
  b.records.db.exec('UPDATE radiosync_state SET applying = 0');
}

function editOneRow(a: Station): void {
  a.records.db.prepare("UPDATE item SET qty = qty + 1 WHERE rowid = ?").run(Math.floor(ROWS * 0.54321));
}

async function bundleCase(): Promise<BenchReport['tables'][number]> {
  const { dir, cleanup } = tempDir('radiosync-bench-digest-bundle-');
  const clock = new ManualClock(T0);
  const steps: Array<Record<string, string | number>> = [];
  try {
    itemDb(join(dir, 'a.sqlite'), 200_000, 'patient');
    const bdb = new Database(join(dir, 'b.sqlite'));
    bdb.exec('CREATE TABLE patient (uuid TEXT PRIMARY KEY, name TEXT NOT NULL, qty INTEGER NOT NULL)');
    bdb.close();
    const fa = join(dir, 'fa');
    const fb = join(dir, 'fb');
    mkdirSync(fa);
    mkdirSync(fb);
    writeFileSync(join(fa, 'survey.tif'), xorshift(20 * 1024 * 1024, 7));
    initStation({ home: join(dir, 'A'), callsign: 'N0AAA', db: join(dir, 'a.sqlite'), tables: ['patient'], folders: { maps: fa }, clock });
    initStation({ home: join(dir, 'B'), callsign: 'N0BBB', db: join(dir, 'b.sqlite'), tables: ['patient'], folders: { maps: fb }, clock });
    const a = Station.open(join(dir, 'A'), { clock, env: {} });
    const b = Station.open(join(dir, 'B'), { clock, env: {} });
    a.addPeer('N0BBB', b.publicKey());
    b.addPeer('N0AAA', a.publicKey());
    const fsa = FolderSync.open(a);
    const fsb = FolderSync.open(b);
    try {
      for (let round = 1; round <= 10; round++) {
        clock.advance(60_000);
        await fsa.capture();
        const ex = exportBundle(a, ['N0BBB'], fsa, { maxBytes: 8 * 1024 * 1024 });
        let verdictB = '';
        for (const [i, part] of ex.parts.entries()) {
          const r = await importBundle(b, part, fsb);
          verdictB = r.verdict ? formatVerdict(r.verdict) : '?';
          steps.push({ step: `round ${round} part ${i + 1}/${ex.parts.length}`, bytes: part.length, rows: i === 0 ? ex.rows : 0, chunkBytes: i === 0 ? ex.chunkBytes : 0, verdictAtB: verdictB });
        }
        await fsb.capture();
        const back = exportBundle(b, ['N0AAA'], fsb);
        for (const p of back.parts) await importBundle(a, p, fsa);
        const verdictA = formatVerdict(verdictFor(a, 'N0BBB', stateDigest(a, fsa)));
        steps.push({ step: `round ${round} receipt back`, bytes: back.parts.reduce((n, p) => n + p.length, 0), rows: back.rows, chunkBytes: back.chunkBytes, verdictAtB: verdictB, verdictAtA: verdictA });
        if (verdictA === 'in sync' && verdictB === 'in sync') break;
      }
      const equal = JSON.stringify(tableFingerprints(a.records)) === JSON.stringify(tableFingerprints(b.records));
      return {
        title: '3. 20 MB file + 200,000-row table by bundles (--max-bytes 8 MiB), receipts back after each round',
        columns: ['step', 'bytes', 'rows', 'chunkBytes', 'verdictAtB', 'verdictAtA'],
        rows: steps,
        notes: [`tables equal at the end: ${equal ? 'yes' : 'NO'}; folder pending rows at B: ${fsb.pendingRows()}`],
      };
    } finally {
      fsa.close();
      fsb.close();
      a.close();
      b.close();
    }
  } finally {
    cleanup();
  }
}

/** RADIOSYNC_DIGEST_ROWS (default 100,000) and RADIOSYNC_DIGEST_PARTS (default radio,bundle) narrow a run. */
const ROWS = Number(process.env.RADIOSYNC_DIGEST_ROWS ?? 100_000);
const PARTS = (process.env.RADIOSYNC_DIGEST_PARTS ?? 'radio,bundle').split(',');

export async function run(): Promise<BenchReport> {
  const rows = PARTS.includes('radio') ? [await radioCase('row lost at B (vectors equal)', ROWS, loseOneRow), await radioCase('row edited at A (vectors differ)', ROWS, (a) => editOneRow(a))] : [];
  const bundles = PARTS.includes('bundle') ? [await bundleCase()] : [];
  return {
    tables: [
      {
        title: `1–2. digest exchange and repair of 1 differing row in ${ROWS.toLocaleString('en-US')} (9600 bit/s, 0 % loss, both stations counted)`,
        columns: ['case', 'rows', 'firstInSync', 'inSyncBytes', 'inSyncKeyUps', 'syncBytes', 'syncTurnarounds', 'repairs', 'probeBytes', 'repairBytes', 'repairTurnarounds', 'verdictAfter', 'tablesEqual'],
        rows,
        notes: [
          'inSyncBytes: a whole `sync` between stations already in sync (HELLO S ‖ 8-byte hash ‖ flag, N ‖ the hash echoed), AX.25 framing included',
          'repairBytes/Turnarounds: from the PROBE to the end of the session (B: PROBE in answer to the idle S; A: ack ‖ REPLY with the history; B: ack with its new digest)',
          'probeBytes: the repair messages and changesets this station sent (payload bytes, before FEC and framing)',
        ],
      },
      ...bundles,
    ],
  };
}
