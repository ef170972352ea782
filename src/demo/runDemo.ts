/**
 * `radiosync demo`: two real stations (config, keys, SQLite) in a directory the user can inspect
 * afterwards, HQ with the sample database and FIELD with an empty copy of its schema. They sync
 * over the simulated radio channel (1200 bit/s, 10% frame loss by default, TXDELAY 300 ms) on
 * virtual time, so a session of many minutes on air runs in seconds:
 *
 *   1. HQ → FIELD: the initial load (every row);
 *   2. real edits on both sides through plain SQL (the application's own writes), including a
 *      concurrent edit of the same field (a recorded conflict) and of different fields (merged);
 *   3. `sync`: HQ sends and asks, FIELD answers with its own changes in the same exchange.
 *
 * Then it checks that the synced tables are identical at both stations and reports rows, bytes,
 * airtime, key-ups, turnarounds and the ratio of the time on air to the erasure-channel bound.
 */
import { appendFileSync, cpSync, existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ManualClock } from '../clock/ManualClock.js';
import { makeError } from '../errors/RadiosyncError.js';
import { RadioChannel } from '../sim/RadioChannel.js';
import type { StationAirStats } from '../sim/StationAirStats.js';
import { airtimeBoundMs } from '../radio/airtime.js';
import { initStation, Station } from '../station/Station.js';
import { FolderSync } from '../sync/FolderSync.js';
import { folderFingerprint, type FolderFingerprint } from '../sync/folderFingerprint.js';
import { simRadioPort } from '../sync/FramePort.js';
import { StationRuntime } from '../sync/StationRuntime.js';
import { tableFingerprints } from '../sync/tableFingerprint.js';
import { SampleApp } from '../store/sampleApp.js';
import { DEMO_ERRORS } from './errors.js';
import { copySampleDb, createEmptySampleDb, SAMPLE_FOLDER, SAMPLE_SYNC_TABLES, SAMPLE_TABLE_CONFIG } from './sampleData.js';

export interface DemoOptions {
  dir: string;
  bitrate?: number;
  loss?: number;
  seed?: number;
  /** Progress lines. */
  log?: (line: string) => void;
}

export interface DemoPhase {
  name: string;
  rows: number;
  payloadBytes: number;
  elapsedMs: number;
  airtimeMs: number;
  bytesOnAir: number;
  framesSent: number;
  keyUps: number;
  turnarounds: number;
  boundMs: number;
  ratioToBound: number;
}

export interface DemoSummary {
  dir: string;
  stations: Array<{ callsign: string; home: string; db: string }>;
  bitrate: number;
  loss: number;
  phases: DemoPhase[];
  conflicts: number;
  identical: boolean;
  tables: Array<{ table: string; rows: number }>;
  /** The `reports` folder at both stations after the sync. */
  folders: { hq: FolderFingerprint; field: FolderFingerprint; identical: boolean; conflictCopies: number };
}

const HQ = 'N0HQ';
const FIELD = 'N0FLD';
const MARKER = '.radiosync-demo';
const T0 = Date.UTC(2026, 10, 21, 8, 0, 0);
/** Bit rates the demo runs at: 300 (HF) to 9600 (fast VHF/UHF packet), as `radiosync demo --bitrate` allows. */
export const MIN_DEMO_BITRATE = 300;
export const MAX_DEMO_BITRATE = 9600;
/** Highest frame loss the demo accepts: 0.9, as `radiosync demo --loss` allows. */
export const MAX_DEMO_LOSS = 0.9;

function sumAir(s: Record<string, StationAirStats>): { airtimeMs: number; bytesOnAir: number; framesSent: number; keyUps: number } {
  let airtimeMs = 0, bytesOnAir = 0, framesSent = 0, keyUps = 0;
  for (const v of Object.values(s)) {
    airtimeMs += v.airtimeMs;
    bytesOnAir += v.bytesOnAir;
    framesSent += v.framesSent;
    keyUps += v.keyUps;
  }
  return { airtimeMs, bytesOnAir, framesSent, keyUps };
}

export async function runDemo(opts: DemoOptions): Promise<DemoSummary> {
  const log = opts.log ?? (() => {});
  const bitrate = opts.bitrate ?? 1200;
  const loss = opts.loss ?? 0.1;
  if (!Number.isInteger(bitrate) || bitrate < MIN_DEMO_BITRATE || bitrate > MAX_DEMO_BITRATE) {
    throw makeError(DEMO_ERRORS, 'RS_ERR_DEMO_BAD_OPTION', `"bitrate" must be an integer from ${MIN_DEMO_BITRATE} to ${MAX_DEMO_BITRATE}: ${bitrate}`, { option: 'bitrate', value: bitrate });
  }
  if (!(loss >= 0 && loss <= MAX_DEMO_LOSS)) {
    throw makeError(DEMO_ERRORS, 'RS_ERR_DEMO_BAD_OPTION', `"loss" must be a probability from 0 to ${MAX_DEMO_LOSS}: ${loss}`, { option: 'loss', value: loss });
  }
  const dir = resolve(opts.dir);
  if (existsSync(dir)) {
    if (!existsSync(join(dir, MARKER))) {
      throw makeError(DEMO_ERRORS, 'RS_ERR_DEMO_DIR_TAKEN', `${dir} exists and is not a radiosync demo directory; choose another --dir`, { dir });
    }
    rmSync(dir, { recursive: true, force: true });
  }
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, MARKER), 'made by `radiosync demo`; safe to delete\n');

  const clock = new ManualClock(T0);
  const homes: Record<string, string> = { [HQ]: join(dir, "hq"), [FIELD]: join(dir, "field") };
  const dbs: Record<string, string> = { [HQ]: join(dir, "hq-app.sqlite"), [FIELD]: join(dir, "field-app.sqlite") };
  const folderDirs: Record<string, string> = { [HQ]: join(dir, 'hq-reports'), [FIELD]: join(dir, 'field-reports') };
  copySampleDb(dbs[HQ]!);
  createEmptySampleDb(dbs[FIELD]!);
  cpSync(SAMPLE_FOLDER, folderDirs[HQ]!, { recursive: true, verbatimSymlinks: true });
  // the fixture's .gitkeep only exists so git keeps an empty directory; the folder ignores it anyway
  rmSync(join(folderDirs[HQ]!, 'inbox', 'empty-until-used', '.gitkeep'), { force: true });
  mkdirSync(folderDirs[FIELD]!, { recursive: true });
  for (const call of [HQ, FIELD]) {
    initStation({
      home: homes[call]!,
      callsign: call,
      db: dbs[call]!,
      tables: SAMPLE_SYNC_TABLES,
      folders: { reports: folderDirs[call]! },
      overrides: SAMPLE_TABLE_CONFIG,
      clock,
      owner: call === HQ ? 'Headquarters' : 'Field team 1',
    });
  }
  const hq = Station.open(homes[HQ], { clock, env: {} });
  const field = Station.open(homes[FIELD], { clock, env: {} });
  const hqFolders = FolderSync.open(hq);
  const fieldFolders = FolderSync.open(field);
  hq.addPeer(FIELD, field.publicKey());
  field.addPeer(HQ, hq.publicKey());
  log(`stations: ${HQ} (${homes[HQ]}, sample database) and ${FIELD} (${homes[FIELD]}, empty), keys exchanged`);

  const channel = new RadioChannel({ clock, seed: opts.seed ?? 1, bitrate, loss: loss > 0 ? { kind: 'iid', p: loss } : { kind: 'none' } });
  const rHq = new StationRuntime({ station: hq, port: simRadioPort(channel.attach(HQ)), bitrate, folders: hqFolders });
  const rField = new StationRuntime({ station: field, port: simRadioPort(channel.attach(FIELD)), bitrate, folders: fieldFolders });
  let filesDone = 0;
  for (const r of [rHq, rField]) r.on('files', () => filesDone++);
  log(`channel: ${bitrate} bit/s, ${(loss * 100).toFixed(0)}% frame loss, TXDELAY ${hq.config.radio.txdelay_ms} ms, ${hq.config.radio.frame_bytes}-byte frames (virtual time)`);
  const phases: DemoPhase[] = [];

  /** Run one exchange until `expect` transfers are acknowledged, and measure it. */
  const phase = async (name: string, go: () => Promise<void>, expect: number) => {
    const before = sumAir(channel.stats());
    const turnsBefore = rHq.link.stats.turnarounds + rField.link.stats.turnarounds;
    const start = clock.now();
    let acked = 0;
    let rows = 0;
    let payloadBytes = 0;
    const offs = [rHq, rField].map((r) => r.on('acknowledged', (e) => {
      acked++;
      rows += e.info.rows;
      payloadBytes += e.info.bytes;
      log(`  ${r.station.callsign} → ${e.peer}: ${e.info.rows} row changes acknowledged at +${((clock.now() - start) / 1000).toFixed(1)} s`);
    }));
    const filesBefore = filesDone;
    await go();
    await clock.run(() => acked >= expect, 24 * 3600_000);
    // the files of what was applied are written asynchronously (real disk I/O): let them land
    for (let i = 0; i < 200 && filesDone - filesBefore < expect; i++) await new Promise((r) => setTimeout(r, 10));
    for (const off of offs) off();
    const after = sumAir(channel.stats());
    const p: DemoPhase = {
      name,
      rows,
      payloadBytes,
      elapsedMs: clock.now() - start,
      airtimeMs: after.airtimeMs - before.airtimeMs,
      bytesOnAir: after.bytesOnAir - before.bytesOnAir,
      framesSent: after.framesSent - before.framesSent,
      keyUps: after.keyUps - before.keyUps,
      turnarounds: rHq.link.stats.turnarounds + rField.link.stats.turnarounds - turnsBefore,
      boundMs: 0,
      ratioToBound: 0,
    };
    return p;
  };

  // 1. initial load
  log(`1. initial load ${HQ} → ${FIELD}`);
  const p1 = await phase('initial load', async () => {
    await rHq.captureFolders();
    rHq.sendPending([FIELD]);
  }, 1);
  p1.boundMs = airtimeBoundMs(p1.payloadBytes, hq.config.radio.frame_bytes, loss, { bitrate });
  p1.ratioToBound = p1.elapsedMs / p1.boundMs;
  phases.push(p1);

  // 2. edits on both sides, through the application's own SQL
  log('2. edits: HQ marks 20 missing persons found and opens 3 requests; FIELD registers 8 arrivals, updates 6 phones, and edits one status HQ also edited');
  const hApp = new SampleApp(hq.records.db);
  const fApp = new SampleApp(field.records.db);
  const missing = hApp.missingPersons(20);
  clock.advance(60_000);
  for (const m of missing) hApp.setPersonStatus(m, 'found');
  const shelterUuid = hApp.firstOpenShelter();
  for (const [item, qty] of [['drinking water', 2000], ['blanket', 150], ['ORS sachets', 500]] as const) hApp.openSupplyRequest(shelterUuid, item, qty);
  clock.advance(30_000);
  const fShelter = fApp.shelterId(shelterUuid);
  for (let i = 0; i < 8; i++) {
    fApp.registerArrival({ firstName: ['Maya', 'Ram', 'Sita', 'Hari', 'Gita', 'Bikash', 'Anita', 'Suresh'][i]!, lastName: 'Tamang', age: 20 + i * 5, shelterId: fShelter, notes: 'arrived on foot' });
  }
  for (const p of fApp.persons(6, 100)) fApp.setPersonPhone(p);
  fApp.setPersonPhone(missing[0]!, '+977-9800000000'); // different field from HQ's edit: merged
  clock.advance(5_000);
  fApp.setPersonStatus(missing[1]!, 'hospitalised'); // same field as HQ, later: a conflict, both kept
  // and the files: HQ appends to the situation report, FIELD files a new form
  appendFileSync(join(folderDirs[HQ]!, 'latest-sitrep.md'), '\n- 08:01 20 missing persons found at the stadium\n');
  mkdirSync(join(folderDirs[FIELD]!, 'forms'), { recursive: true });
  writeFileSync(join(folderDirs[FIELD]!, 'forms', 'arrivals-N0FLD.txt'), 'Arrivals at shelter 2: 8 (Tamang family and others), all sheltered.\n');

  // 3. sync both ways: HQ sends and asks; FIELD answers in the same exchange
  log(`3. sync ${HQ} ⇄ ${FIELD}`);
  const p3 = await phase('sync both ways', async () => {
    await rHq.captureFolders();
    rHq.requestSync(FIELD);
    rHq.sendPending([FIELD]);
  }, 2);
  p3.boundMs = airtimeBoundMs(Math.max(1, p3.payloadBytes), hq.config.radio.frame_bytes, loss, { bitrate });
  p3.ratioToBound = p3.elapsedMs / p3.boundMs;
  phases.push(p3);

  const fa = tableFingerprints(hq.records);
  const fb = tableFingerprints(field.records);
  const identical = JSON.stringify(fa) === JSON.stringify(fb);
  const conflicts = hq.records.conflictCount() + field.records.conflictCount();
  const fh = folderFingerprint(folderDirs[HQ]!);
  const ff = folderFingerprint(folderDirs[FIELD]!);
  const summary: DemoSummary = {
    dir,
    stations: [HQ, FIELD].map((c) => ({ callsign: c, home: homes[c]!, db: dbs[c]! })),
    bitrate,
    loss,
    phases,
    conflicts,
    identical,
    tables: fa.map((t) => ({ table: t.table, rows: t.rows })),
    folders: { hq: fh, field: ff, identical: fh.sha256 === ff.sha256, conflictCopies: 0 },
  };
  rHq.close();
  rField.close();
  hqFolders.close();
  fieldFolders.close();
  hq.close();
  field.close();
  channel.close();
  return summary;
}
