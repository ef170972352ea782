/**
 * Scenario (run inside a private network namespace by netns.ts): send a file from A to B through
 * Dire Wolf's own AX.25 connected mode, driven over the AGW port. This is the operator's
 * alternative that radiosync is measured against.
 *
 * argv[2]: JSON of ConnectedTransferArgs. Prints RESULT ConnectedTransferResult.
 */
import { readFileSync } from 'node:fs';
import { AgwClient } from '../agw.js';
import { startHarness, type HarnessOptions } from '../harness.js';
import { onCleanup, runScenario } from '../scenarioMain.js';
import { summarizeLog, type LogSummary } from '../direwolfLog.js';

export interface ConnectedTransferArgs {
  harness: HarnessOptions;
  /** File whose bytes are sent. */
  file: string;
  /** Bound on the whole transfer. */
  timeoutMs: number;
  /** Keep at most this many frames queued in Dire Wolf (flow control through 'Y'). */
  maxQueuedFrames?: number;
}

export interface ConnectedTransferResult {
  ok: boolean;
  bytes: number;
  received: number;
  intact: boolean;
  connectMs: number;
  transferMs: number;
  disconnectMs: number;
  wallMs: number;
  airtimeMs: { aToB: number; bToA: number };
  keyUps: { aToB: number; bToA: number };
  logA: LogSummary;
  logB: LogSummary;
  connectText: string;
  workDir: string;
  error?: string;
}

/** Default cap on frames queued in Dire Wolf (its UI queue dropped frames past 100; stay well under). */
const DEFAULT_MAX_QUEUED = 32;

runScenario(async (): Promise<ConnectedTransferResult> => {
  const args = JSON.parse(process.argv[2] ?? '{}') as ConnectedTransferArgs;
  const payload = readFileSync(args.file);
  const t0 = Date.now();
  const h = await startHarness(args.harness);
  onCleanup(() => h.stop());
  const a = await AgwClient.connect('127.0.0.1', h.a.agwPort);
  const b = await AgwClient.connect('127.0.0.1', h.b.agwPort);
  onCleanup(async () => {
    a.close();
    b.close();
  });
  if (!(await a.register(h.a.mycall))) throw new Error(`AGW: could not register ${h.a.mycall}`);
  if (!(await b.register(h.b.mycall))) throw new Error(`AGW: could not register ${h.b.mycall}`);
  const paclen = args.harness.connected?.paclen ?? 256;

  const chunks: Buffer[] = [];
  let received = 0;
  let doneResolve!: () => void;
  const done = new Promise<void>((r) => (doneResolve = r));
  b.onFrame((f) => {
    if (f.kind !== 'D' || f.callFrom !== h.a.mycall) return;
    chunks.push(Buffer.from(f.data));
    received += f.data.length;
    if (received >= payload.length) doneResolve();
  });

  const deadline = t0 + args.timeoutMs;
  const remaining = () => Math.max(1, deadline - Date.now());
  const tConnect = Date.now();
  const connectText = await a.connectTo(0, h.a.mycall, h.b.mycall, remaining());
  const tData = Date.now();
  let timedOut = false;
  const timeout = new Promise<void>((r) =>
    setTimeout(() => {
      timedOut = true;
      r();
    }, remaining()),
  );
  const maxQueued = args.maxQueuedFrames ?? DEFAULT_MAX_QUEUED;
  const sender = (async () => {
    for (let off = 0; off < payload.length && !timedOut; off += paclen) {
      while (!timedOut && (await a.outstanding(0, h.a.mycall, h.b.mycall)) >= maxQueued) {
        await new Promise((r) => setTimeout(r, 250));
      }
      a.sendData(0, h.a.mycall, h.b.mycall, payload.subarray(off, off + paclen));
    }
  })();
  await Promise.race([Promise.all([done, sender]), timeout]);
  const tDone = Date.now();
  let disconnectMs = 0;
  if (!timedOut) {
    // Wait for the last ack, then disconnect (an operator's session ends with both).
    while ((await a.outstanding(0, h.a.mycall, h.b.mycall)) > 0 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 200));
    }
    await a.disconnect(0, h.a.mycall, h.b.mycall, remaining());
    disconnectMs = Date.now() - tDone;
  }
  const stats = h.channelStats();
  const got = Buffer.concat(chunks);
  const perSample = 1000 / 48_000;
  return {
    ok: !timedOut,
    bytes: payload.length,
    received,
    intact: got.equals(payload),
    connectMs: tData - tConnect,
    transferMs: tDone - tData,
    disconnectMs,
    wallMs: Date.now() - tConnect,
    airtimeMs: { aToB: (stats.aToB?.samplesIn ?? 0) * perSample, bToA: (stats.bToA?.samplesIn ?? 0) * perSample },
    keyUps: { aToB: stats.aToB?.keyUps ?? 0, bToA: stats.bToA?.keyUps ?? 0 },
    logA: summarizeLog(h.a.lines),
    logB: summarizeLog(h.b.lines),
    connectText,
    workDir: h.workDir,
    ...(timedOut ? { error: `transfer timed out after ${args.timeoutMs} ms (${received}/${payload.length} bytes)` } : {}),
  };
});
