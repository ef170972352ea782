/**
 * Scenario (run inside a private network namespace by netns.ts): AX.25 UI frames built with our
 * codec go in at Dire Wolf A's KISS TCP port, over the audio path, and out of Dire Wolf B's KISS
 * pseudo-terminal, read with serialport (the real serial code path against a real KISS peer).
 * Optionally B transmits a Dire Wolf beacon, which A's KISS client hands to our decoder.
 *
 * argv[2]: JSON of UiFramesArgs. Prints RESULT UiFramesResult.
 */
import { SerialPort } from 'serialport';
import { decodeAx25, encodeUiFrame } from '../../../src/framing/ax25.js';
import { formatCallsign, parseCallsign } from '../../../src/framing/callsign.js';
import { KissCommand, KissDecoder } from '../../../src/framing/kiss.js';
import { mulberry32 } from '../audioChannel.js';
import { decodedFrames, summarizeLog, type LogSummary } from '../direwolfLog.js';
import { startHarness, type HarnessOptions } from '../harness.js';
import { DIREWOLF_CLIENT_POLL_MS, KissTcpClient } from '../kissTcpClient.js';
import { onCleanup, runScenario } from '../scenarioMain.js';

export interface UiFramesArgs {
  harness: HarnessOptions;
  count: number;
  /** Info bytes per frame (≥ 8: a 4-byte tag and a 4-byte sequence number, then seeded random bytes). */
  infoBytes: number;
  /** Gap between KISS writes; 0 = all at once (Dire Wolf then sends them in as few key-ups as it can). Keep count < 100 when 0. */
  intervalMs: number;
  /** After the last write: wait until all arrived, or this long past the computed airtime. */
  settleMs: number;
  /** Also wait for a beacon from B (needs harness.beaconB) and decode it. */
  expectBeacon?: boolean;
  /** Serial baud rate for the pty (a pty ignores it; a real TNC cable would not). */
  ptyBaud?: number;
}

export interface UiFramesResult {
  sent: number;
  received: number;
  intact: number;
  /** Frames that arrived, decoded by our codec, but did not match what was sent (must stay 0: FCS guards them). */
  corrupted: number;
  /** Frames arriving at B that our decoder rejected, by error code. */
  rejected: Record<string, number>;
  duplicates: number;
  lossRatio: number;
  /** How many of our frames B's Dire Wolf log shows decoded, with our callsigns. */
  decodedInLogB: number;
  logA: LogSummary;
  logB: LogSummary;
  ptyPathB: string;
  kissDecoderB: { frames: number; garbageBytes: number; oversized: number };
  beacon: { source: string; destination: string; info: string; pid: number } | null;
  otherFramesAtA: number;
  airtimeMsAToB: number;
  wallMs: number;
  workDir: string;
}

/** Quiet time after which A's transmit queue counts as drained: longer than any channel-access wait (PERSIST 63, SLOTTIME 100 ms ≈ 0.25 s average) plus the 0.5 s stats refresh. */
const QUIET_MS = 2_500;

/** Magic at the start of each test frame's info, so stray frames are never counted. */
const TAG = Buffer.from('RSIT');

function makeInfo(seq: number, size: number, seed: number): Uint8Array {
  const info = Buffer.alloc(Math.max(size, 8));
  TAG.copy(info, 0);
  info.writeUInt32BE(seq, 4);
  const r = mulberry32(seed + seq);
  for (let i = 8; i < info.length; i++) info[i] = Math.floor(r() * 256);
  // Make sure KISS escaping is exercised on every frame: FEND and FESC in the data.
  if (info.length >= 12) {
    info[8] = 0xc0;
    info[9] = 0xdb;
    info[10] = 0xdc;
    info[11] = 0xdd;
  }
  return info;
}

runScenario(async (): Promise<UiFramesResult> => {
  const args = JSON.parse(process.argv[2] ?? '{}') as UiFramesArgs;
  const t0 = Date.now();
  const h = await startHarness(args.harness);
  onCleanup(() => h.stop());
  const src = parseCallsign(h.a.mycall);
  const dst = parseCallsign(h.b.mycall);
  const seed = args.harness.seed ?? 1;

  // B: the KISS pseudo-terminal through serialport.
  const port = new SerialPort({ path: h.b.ptyPath, baudRate: args.ptyBaud ?? 9600, autoOpen: false });
  await new Promise<void>((resolve, reject) => port.open((err) => (err ? reject(err) : resolve())));
  onCleanup(() => new Promise<void>((resolve) => (port.isOpen ? port.close(() => resolve()) : resolve())));
  const kissB = new KissDecoder();
  const got = new Map<number, Uint8Array>();
  let corrupted = 0;
  let duplicates = 0;
  const rejected: Record<string, number> = {};
  const expected = new Map<number, Uint8Array>();
  for (let i = 0; i < args.count; i++) expected.set(i, makeInfo(i, args.infoBytes, seed * 1000));
  let allIn!: () => void;
  const allArrived = new Promise<void>((r) => (allIn = r));
  port.on('data', (chunk: Buffer) => {
    for (const k of kissB.push(chunk)) {
      if (k.command !== KissCommand.Data) continue;
      const d = decodeAx25(k.data);
      if (!d.ok) {
        rejected[d.error.code] = (rejected[d.error.code] ?? 0) + 1;
        continue;
      }
      const info = Buffer.from(d.frame.info);
      if (info.length < 8 || !info.subarray(0, 4).equals(TAG)) continue;
      const seq = info.readUInt32BE(4);
      const want = expected.get(seq);
      const ok =
        want !== undefined &&
        Buffer.from(want).equals(info) &&
        formatCallsign(d.frame.source) === h.a.mycall &&
        formatCallsign(d.frame.destination) === h.b.mycall;
      if (!ok) corrupted++;
      else if (got.has(seq)) duplicates++;
      else got.set(seq, info);
      if (got.size === args.count) allIn();
    }
  });

  // A: KISS over TCP.
  const kissA = await KissTcpClient.connect('127.0.0.1', h.a.kissPort);
  onCleanup(async () => kissA.close());
  await new Promise((r) => setTimeout(r, DIREWOLF_CLIENT_POLL_MS + 200));
  for (let i = 0; i < args.count; i++) {
    const frame = encodeUiFrame({ destination: dst, source: src, digipeaters: [], command: true, pid: 0xf0, info: expected.get(i)! });
    kissA.send({ port: 0, command: KissCommand.Data, data: frame });
    if (args.intervalMs > 0) await new Promise((r) => setTimeout(r, args.intervalMs));
  }
  // Wait until everything arrived, or until A has transmitted every frame and the audio path has
  // played it all out (then give the demodulator settleMs), bounded by an airtime estimate.
  const bitrate = args.harness.modem ?? 1200;
  const airMs = (args.count * ((args.infoBytes + 20) * 8 * 1.2 * 1000)) / bitrate + args.count * 400;
  const hardDeadline = Date.now() + airMs + args.settleMs + 10_000;
  const txDone = async () => {
    // Dire Wolf logs "[0L]" when it queues a frame, and may split the queue over several key-ups,
    // so "done" means: all logged, and the channel has carried no new transmit audio for QUIET_MS.
    let lastIn = -1;
    let quietSince = Date.now();
    for (;;) {
      const sentLines = h.a.lines.filter((l) => /^\[0L\] /.test(l) && l.includes(':RSIT')).length;
      const st = h.channelStats().aToB;
      const samplesIn = st?.samplesIn ?? -1;
      if (samplesIn !== lastIn || (st?.queuedSamples ?? 1) !== 0) {
        lastIn = samplesIn;
        quietSince = Date.now();
      }
      if ((sentLines >= args.count && Date.now() - quietSince >= QUIET_MS) || Date.now() > hardDeadline) break;
      await new Promise((r) => setTimeout(r, 250));
    }
    await new Promise((r) => setTimeout(r, args.settleMs));
  };
  await Promise.race([allArrived, txDone()]);

  let beacon: UiFramesResult['beacon'] = null;
  let otherFramesAtA = 0;
  if (args.expectBeacon) {
    await h.a.waitForLog(/^\[0(\.\d+)?\] \S+>BEACON:/, 60_000);
    await new Promise((r) => setTimeout(r, 300));
  }
  for (const k of kissA.frames) {
    if (k.command !== KissCommand.Data) continue;
    const d = decodeAx25(k.data);
    if (d.ok && formatCallsign(d.frame.destination) === 'BEACON' && beacon === null) {
      beacon = {
        source: formatCallsign(d.frame.source),
        destination: formatCallsign(d.frame.destination),
        info: Buffer.from(d.frame.info).toString('latin1'),
        pid: d.frame.pid,
      };
    } else {
      otherFramesAtA++;
    }
  }

  const decodedInLogB = decodedFrames(h.b.lines).filter(
    (f) => f.source === h.a.mycall && f.destination === h.b.mycall && f.info.startsWith('RSIT'),
  ).length;
  const stats = h.channelStats();
  return {
    sent: args.count,
    received: got.size,
    intact: got.size,
    corrupted,
    rejected,
    duplicates,
    lossRatio: 1 - got.size / args.count,
    decodedInLogB,
    logA: summarizeLog(h.a.lines),
    logB: summarizeLog(h.b.lines),
    ptyPathB: h.b.ptyPath,
    kissDecoderB: { ...kissB.stats },
    beacon,
    otherFramesAtA,
    airtimeMsAToB: ((stats.aToB?.samplesIn ?? 0) * 1000) / 48_000,
    wallMs: Date.now() - t0,
    workDir: h.workDir,
  };
});
