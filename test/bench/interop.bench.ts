/**
 * `npm run bench -- interop` (not part of the default bench: it runs real-time audio for minutes).
 *
 * Two real Dire Wolf TNCs joined by the software audio path of test/interop/harness.ts, each run in
 * its own private network namespace. Measures, side by side in one run:
 *   1. the channel: UI-frame loss at the SNRs used below (so "10 %" and "30 %" are measured, not assumed);
 *   2. (b) the operator's alternative: `gzip -9` of the person table's JSON export sent through Dire
 *      Wolf's own AX.25 v2.2 connected mode (AGW port: connect, data, disconnect), clean and at ~10 %
 *      frame loss: wall time, airtime, key-ups, frames, bytes on air;
 *      (a) radiosync `send` → `receive` over the same channel (the real binary, same rows);
 *   3. FX.25 (`-X 16`) off and on at the SNR where plain AX.25 loses ~30 % of UI frames.
 *
 * Scale (environment):
 *   RADIOSYNC_INTEROP_ROWS   rows of the person table (first N of the seeded 2,000; default 200).
 *                            2,000 rows gzip to ~95 kB: ~15 min clean at 1200 bit/s, so the default
 *                            is scaled down 10×; set 2000 (ideally with MODEM=9600) for the full run.
 *   RADIOSYNC_INTEROP_MODEM  1200 (default) or 9600.
 *   RADIOSYNC_INTEROP_SNR10  SNR in dB for the ~10 % loss case (default calibrated, see SNR_FOR_10PCT).
 *   RADIOSYNC_INTEROP_SNR30  SNR in dB for the ~30 % loss case (default calibrated, see SNR_FOR_30PCT).
 *   RADIOSYNC_INTEROP_UI     UI frames per loss measurement (default 40).
 *   RADIOSYNC_INTEROP_FX25   0 leaves out the FX.25 measurements and the PACLEN 200 rows (default 1).
 * The JSON goes to bench-results/interop-<modem>-<rows>rows.json, so runs of different shapes sit side by side.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generatePersonRows, personRowsToJson, PERSON_SEED } from '../../fixtures/gen/personTable.js';
import type { RadiosyncSyncArgs, RadiosyncSyncResult } from '../interop/scenarios/radiosyncSync.js';
import { checkDirewolf } from '../interop/harness.js';
import type { HarnessOptions } from '../interop/harness.js';
import { checkNetnsTools, runInPrivateNetns } from '../interop/netns.js';
import type { ConnectedTransferArgs, ConnectedTransferResult } from '../interop/scenarios/connectedTransfer.js';
import type { UiFramesArgs, UiFramesResult } from '../interop/scenarios/uiFrames.js';
import type { BenchReport, BenchTable } from './report.js';

/** Calibrated here (1200 AFSK, 256-byte frames): about 10 % frame loss. The cliff is steep; the bench measures the actual loss. */
export const SNR_FOR_10PCT: Record<1200 | 9600, number> = { 1200: -0.75, 9600: 4.25 };
/** Calibrated here: about 30 % loss of 200-byte UI frames without FX.25. */
export const SNR_FOR_30PCT: Record<1200 | 9600, number> = { 1200: -1.5, 9600: 3.5 };
/** Connected-mode settings of the baseline: Dire Wolf's defaults (PACLEN 256, EMAXFRAME 8), RETRY 15. */
const PACLEN = 256;
/** PACLEN for the FX.25 rows: 200 + 21 header/FCS + flag, stuffed, fits FX.25's 239-byte RS(255,239) block. */
const FX25_PACLEN = 200;
/** Bound on one connected-mode transfer, so a dead link cannot hang the bench. */
const TRANSFER_TIMEOUT_MS = 40 * 60_000;
/** Stuffing on compressed data: one bit in 62 (docs/radio-facts.md). */
const STUFFING = 1 + 1 / 62;

const interopDir = fileURLToPath(new URL('../interop/', import.meta.url));

/**
 * On-air bytes of a connected-mode frame of this type (modulo 128, no digipeaters), flags and FCS
 * included: 14 address + control (2 bytes for I and S frames, 1 for U frames) + PID (I only) +
 * 2 FCS + 2 flags. XID carries its ~24-byte parameter field.
 */
function frameBytes(kind: string, infoBytes: number): number {
  if (kind === 'I') return 14 + 2 + 1 + infoBytes + 4;
  if (kind === 'RR' || kind === 'RNR' || kind === 'REJ' || kind === 'SREJ') return 14 + 2 + 4;
  if (kind === 'XID') return 14 + 1 + 24 + 4;
  return 14 + 1 + 4;
}

function onAirBytes(kinds: Record<string, number>, avgInfo: number): number {
  let total = 0;
  for (const [k, n] of Object.entries(kinds)) total += n * frameBytes(k, avgInfo);
  return Math.round(total * STUFFING);
}

async function uiLoss(harness: HarnessOptions, count: number, infoBytes: number): Promise<UiFramesResult> {
  const args: UiFramesArgs = { harness, count, infoBytes, intervalMs: 0, settleMs: 3_000 };
  const r = await runInPrivateNetns<UiFramesResult & { error?: string }>(
    join(interopDir, 'scenarios/uiFrames.ts'),
    [JSON.stringify(args)],
    30 * 60_000,
  );
  if (!r.result || r.result.error) throw new Error(`UI scenario failed: ${r.result?.error ?? r.stderr.slice(-2000)}`);
  return r.result;
}

async function connected(harness: HarnessOptions, file: string): Promise<ConnectedTransferResult> {
  const args: ConnectedTransferArgs = { harness, file, timeoutMs: TRANSFER_TIMEOUT_MS };
  const r = await runInPrivateNetns<ConnectedTransferResult & { error?: string }>(
    join(interopDir, 'scenarios/connectedTransfer.ts'),
    [JSON.stringify(args)],
    TRANSFER_TIMEOUT_MS + 60_000,
  );
  if (!r.result) throw new Error(`connected scenario failed: ${r.stderr.slice(-2000)}`);
  return r.result;
}

/**
 * (a): radiosync `send` A → `receive` B over the same harness (A on KISS TCP, B on the pty), the
 * same rows held in an application table, the real binary in both processes.
 */
const radiosyncScenario = fileURLToPath(new URL('../interop/scenarios/radiosyncSync.ts', import.meta.url));

async function radiosyncSend(harness: HarnessOptions, rows: number): Promise<RadiosyncSyncResult> {
  const args: RadiosyncSyncArgs = { harness, persons: 0, timeoutS: 900, personTableRows: rows };
  const r = await runInPrivateNetns<RadiosyncSyncResult & { error?: string }>(radiosyncScenario, [JSON.stringify(args)], 1_000_000);
  if (!r.result || r.result.error) throw new Error(`radiosync scenario failed: ${r.result?.error ?? ''} ${r.stderr.slice(-2000)}`);
  return r.result;
}

function envNum(name: string, fallback: number): number {
  const v = process.env[name];
  return v === undefined || v === '' ? fallback : Number(v);
}

export async function run(): Promise<BenchReport> {
  const dwVersion = checkDirewolf();
  checkNetnsTools();
  const modem = (envNum('RADIOSYNC_INTEROP_MODEM', 1200) === 9600 ? 9600 : 1200) as 1200 | 9600;
  const rows = envNum('RADIOSYNC_INTEROP_ROWS', 200);
  const snr10 = envNum('RADIOSYNC_INTEROP_SNR10', SNR_FOR_10PCT[modem]);
  const snr30 = envNum('RADIOSYNC_INTEROP_SNR30', SNR_FOR_30PCT[modem]);
  const uiCount = envNum('RADIOSYNC_INTEROP_UI', 40);
  const withFx25 = envNum('RADIOSYNC_INTEROP_FX25', 1) !== 0;

  // The data: gzip -9 (the real tool, as an operator would run it) of the table's JSON export.
  const json = personRowsToJson(generatePersonRows(rows, PERSON_SEED));
  const gz = spawnSync('gzip', ['-9', '-n', '-c'], { input: Buffer.from(json) });
  if (gz.status !== 0) throw new Error(`gzip failed: ${gz.stderr?.toString()}`);
  const dir = mkdtempSync(join(tmpdir(), 'radiosync-interop-bench-'));
  const file = join(dir, 'person.json.gz');
  writeFileSync(file, gz.stdout);
  const payload = gz.stdout.length;

  try {
    // 1. Channel calibration with UI frames of the baseline's frame size.
    const cal10 = await uiLoss({ modem, snrDb: snr10, seed: 11 }, uiCount, PACLEN);

    // 2. (b) Dire Wolf connected mode, clean and at ~10 % loss.
    const baseline: BenchTable = {
      title: `(b) gzip -9 of ${rows} person rows as JSON (${json.length} B → ${payload} B) via Dire Wolf ${dwVersion} AX.25 v2.2 connected mode, ${modem} bit/s, PACLEN ${PACLEN} unless the case says otherwise, EMAXFRAME 8`,
      columns: ['case', 'snr_db', 'ui_loss_pct', 'ok', 'wall_s', 'connect_s', 'transfer_s', 'air_AtoB_s', 'air_BtoA_s', 'keyups', 'I_needed', 'I_sent', 'SREJ+REJ', 'fx25_rx', 'on_air_B', 'goodput_Bps'],
      rows: [],
      notes: [
        'wall = connect + transfer + wait for last ack + disconnect; airtime is measured (samples the TNC transmitted), including TXDELAY 300 ms per key-up.',
        'fx25_rx = frames (both directions) that arrived through FX.25 decoding. on_air_B leaves out FX.25 tags and check bytes; the measured airtime includes them.',
        'on_air_B = frames Dire Wolf logged as transmitted (both directions) × their AX.25 size (mod-128 I: 21 + info; S: 20; U: 19) × bit stuffing 1+1/62.',
        `ui_loss_pct: UI frames of ${PACLEN} info bytes lost at that SNR without FX.25, measured in this run (${uiCount} frames).`,
      ],
    };
    // FX.25 can only wrap a frame whose bit-stuffed HDLC form fits its Reed-Solomon block (239
    // bytes with -X 16): a PACLEN 256 I frame (277 bytes) goes out as plain AX.25 even with -X 16.
    // So the FX.25 rows use PACLEN FX25_PACLEN, with a plain row at the same PACLEN beside them.
    const allCases: Array<[string, number | undefined, number | null, boolean, number]> = [
      ['clean', undefined, 0, false, PACLEN],
      ['~10% loss', snr10, cal10.lossRatio, false, PACLEN],
      [`~10% loss, PACLEN ${FX25_PACLEN}`, snr10, cal10.lossRatio, false, FX25_PACLEN],
      [`~10% loss, PACLEN ${FX25_PACLEN}, FX.25 -X 16`, snr10, cal10.lossRatio, true, FX25_PACLEN],
    ];
    const cases = allCases.slice(0, withFx25 ? 4 : 2);
    const raw: Record<string, unknown> = { cal10 };
    for (const [name, snr, loss, fx25, paclen] of cases) {
      const r = await connected(
        { modem, seed: 5, ...(snr !== undefined ? { snrDb: snr } : {}), ...(fx25 ? { fx25: 16 as const } : {}), connected: { paclen } },
        file,
      );
      raw[name] = r;
      const needed = Math.ceil(payload / paclen);
      const kinds: Record<string, number> = {};
      for (const s of [r.logA.txKinds, r.logB.txKinds]) for (const [k, n] of Object.entries(s)) kinds[k] = (kinds[k] ?? 0) + n;
      baseline.rows.push({
        case: name,
        snr_db: snr === undefined ? 'none' : snr,
        ui_loss_pct: loss === null ? '' : Math.round(loss * 100),
        ok: r.ok && r.intact ? 'yes' : `NO ${r.error ?? ''}`,
        fx25_rx: r.logA.fx25Decodes + r.logB.fx25Decodes,
        wall_s: r.wallMs / 1000,
        connect_s: r.connectMs / 1000,
        transfer_s: r.transferMs / 1000,
        air_AtoB_s: r.airtimeMs.aToB / 1000,
        air_BtoA_s: r.airtimeMs.bToA / 1000,
        keyups: r.keyUps.aToB + r.keyUps.bToA,
        I_needed: needed,
        I_sent: kinds.I ?? 0,
        'SREJ+REJ': (kinds.SREJ ?? 0) + (kinds.REJ ?? 0),
        on_air_B: onAirBytes(kinds, payload / needed),
        goodput_Bps: payload / (r.wallMs / 1000),
      });
    }
    const radiosync: BenchTable = {
      title: `(a) radiosync send → receive of the same ${rows} rows over the same channel, and the ratio (b)/(a) of wall times`,
      columns: ['case', 'snr_db', 'ok', 'wall_s', 'payload_B', 'frames', 'keyups', 'turnarounds', 'on_air_B', 'b_wall_s', 'ratio_b_over_a'],
      rows: [],
      notes: [
        'wall = from starting `radiosync send` to its exit after the final acknowledgement (the receiver applied the changeset); payload = the signed, compressed changeset.',
        'on_air_B = frames radiosync sent × (info + 20) × (1 + 1/62), both stations, from the session results.',
        'Goal (issue 8): radiosync at least 2× faster than (b) at 10 % loss.',
      ],
    };
    for (const [name, snr] of cases.slice(0, 2)) {
      const r = await radiosyncSend({ modem, seed: 5, ...(snr !== undefined ? { snrDb: snr } : {}) }, rows);
      raw[`radiosync ${name}`] = r;
      const s = r.load.send.json as { ok: boolean; sent: { bytes: number }; link: { framesSent: number; keyUps: number; turnarounds: number; bytesOnAirEstimate: number } } | null;
      const rcv = r.load.receive.json as { link: { framesSent: number; keyUps: number; bytesOnAirEstimate: number } } | null;
      const b = baseline.rows.find((x) => x.case === name);
      const bWall = typeof b?.wall_s === 'number' ? b.wall_s : NaN;
      const wall = r.load.send.wallMs / 1000;
      radiosync.rows.push({
        case: name,
        snr_db: snr === undefined ? 'none' : snr,
        ok: s?.ok && r.identical ? 'yes' : 'NO',
        wall_s: wall,
        payload_B: s?.sent.bytes ?? 0,
        frames: (s?.link.framesSent ?? 0) + (rcv?.link.framesSent ?? 0),
        keyups: (s?.link.keyUps ?? 0) + (rcv?.link.keyUps ?? 0),
        turnarounds: s?.link.turnarounds ?? 0,
        on_air_B: Math.round((s?.link.bytesOnAirEstimate ?? 0) + (rcv?.link.bytesOnAirEstimate ?? 0)),
        b_wall_s: bWall,
        ratio_b_over_a: bWall / wall,
      });
    }

    const variant = `${modem}-${rows}rows`;
    if (!withFx25) return { tables: [baseline, radiosync], extra: { modem, rows, payload, jsonBytes: json.length, snr10, raw }, variant };

    // 3. FX.25 off / on where plain AX.25 loses ~30 % of UI frames.
    const fxInfo = 200;
    const off = await uiLoss({ modem, snrDb: snr30, seed: 21 }, uiCount, fxInfo);
    const on = await uiLoss({ modem, snrDb: snr30, seed: 21, fx25: 16 }, uiCount, fxInfo);
    // Fading instead of noise: short drop-outs (the signal muted, a little noise kept).
    const fade = { modem, snrDb: 10, dropoutsPerSecond: 1, dropoutMs: 20, seed: 31 } as const;
    const fadeOff = await uiLoss(fade, uiCount, fxInfo);
    const fadeOn = await uiLoss({ ...fade, fx25: 16 }, uiCount, fxInfo);
    raw.fx25 = { off, on, fadeOff, fadeOn };
    const fxRow = (channel: string, fx25: string, r: UiFramesResult) => ({
      channel,
      fx25,
      received: r.received,
      loss_pct: Math.round(r.lossRatio * 100),
      airtime_s: r.airtimeMsAToB / 1000,
      airtime_per_frame_ms: r.airtimeMsAToB / uiCount,
      fx25_decodes: r.logB.fx25Decodes,
    });
    const fx: BenchTable = {
      title: `FX.25 off/on: ${uiCount} UI frames of ${fxInfo} info bytes, ${modem} bit/s`,
      columns: ['channel', 'fx25', 'received', 'loss_pct', 'airtime_s', 'airtime_per_frame_ms', 'fx25_decodes'],
      rows: [
        fxRow(`noise ${snr30} dB`, 'off', off),
        fxRow(`noise ${snr30} dB`, '-X 16', on),
        fxRow('drop-outs 1/s × 20 ms, 10 dB', 'off', fadeOff),
        fxRow('drop-outs 1/s × 20 ms, 10 dB', '-X 16', fadeOn),
      ],
      notes: [
        'Same seed per pair, same noise process; frames sent in one queue (few key-ups), so airtime is dominated by the frames themselves.',
        'fx25_decodes: frames B decoded through FX.25 (its level line shows corrected-symbol digits instead of "[NONE]").',
      ],
    };
    return { tables: [baseline, radiosync, fx], extra: { modem, rows, payload, jsonBytes: json.length, snr10, snr30, raw }, variant };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
