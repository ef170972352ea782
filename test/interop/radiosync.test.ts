/**
 * radiosync itself through two real Dire Wolf TNCs (issue: proven against the real TNC).
 * A few KB of changes each way at 1200 bit/s, clean and at a noise level that loses frames.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { runInPrivateNetns, type ScenarioRun } from './netns.js';
import type { RadiosyncSyncArgs, RadiosyncSyncResult } from './scenarios/radiosyncSync.js';
/** The calibrated SNR at which Dire Wolf loses about 10–30% of frames here (see direwolf.test.ts). */
const LOSSY_SNR_DB = -1.5;

const scenario = fileURLToPath(new URL('./scenarios/radiosyncSync.ts', import.meta.url));

async function syncThroughDirewolf(args: RadiosyncSyncArgs, timeoutMs: number): Promise<RadiosyncSyncResult> {
  const run: ScenarioRun<RadiosyncSyncResult & { error?: string }> = await runInPrivateNetns(scenario, [JSON.stringify(args)], timeoutMs);
  const why = `scenario exit ${run.code}: ${run.result?.error ?? 'no result'}\n${run.stderr.slice(-3000)}`;
  assert.equal(run.code, 0, why);
  assert.ok(run.result && !run.result.error, why);
  return run.result;
}

function check(r: RadiosyncSyncResult): void {
  // each failure shows that process's own result and the tail of its stderr
  const detail = (run: { json: unknown; stderr: string }) => `${JSON.stringify(run.json).slice(0, 2500)}\n${run.stderr.slice(-1500)}`;
  assert.equal(r.load.send.code, 0, `send: ${detail(r.load.send)}`);
  assert.equal(r.load.receive.code, 0, `receive: ${detail(r.load.receive)}`);
  assert.equal(r.sync.sync.code, 0, `sync: ${detail(r.sync.sync)}`);
  assert.equal(r.sync.receive.code, 0, `receive 2: ${detail(r.sync.receive)}`);
  assert.ok(r.identical, 'the tables end identical');
  assert.ok(r.decodedAtB > 0 && r.decodedAtA > 0, "each Dire Wolf's log shows our frames decoded as AX.25 with our callsigns");
}

test('radiosync send/receive/sync through two Dire Wolf TNCs (A on KISS TCP, B on the pty via serialport): tables end identical', { timeout: 420_000 }, async (t) => {
  const r = await syncThroughDirewolf(
    { harness: { seed: 11, beaconB: { dest: 'BEACON', info: 'radiosync interop beacon', delaySec: 2, everySec: 20 } }, persons: 40, timeoutS: 150 },
    400_000,
  );
  const sent = r.load.send.json as { sent: { rows: number; bytes: number }; link: { turnarounds: number; framesSent: number } };
  t.diagnostic(`load: ${sent.sent.rows} rows, ${sent.sent.bytes} B in ${(r.load.send.wallMs / 1000).toFixed(1)} s, ${sent.link.framesSent} frames, ${sent.link.turnarounds} turnarounds; sync: ${(r.sync.sync.wallMs / 1000).toFixed(1)} s; frames decoded by Dire Wolf B ${r.decodedAtB}, by A ${r.decodedAtA}`);
  check(r);
  assert.ok(sent.sent.rows > 40);
  assert.ok(r.foreignAtA > 0, "Dire Wolf B's beacon reached station A, was decoded and ignored as a foreign frame");
});

test('the same through a noisy channel (real demodulation loss): the sync completes and the loss is reported', { timeout: 420_000 }, async (t) => {
  const r = await syncThroughDirewolf({ harness: { seed: 12, snrDb: LOSSY_SNR_DB }, persons: 40, timeoutS: 180 }, 400_000);
  // what Dire Wolf A put on air against what Dire Wolf B demodulated (and the other way)
  const lossAB = 1 - r.logB.decoded / Math.max(1, r.logA.transmitted);
  const lossBA = 1 - r.logA.decoded / Math.max(1, r.logB.transmitted);
  t.diagnostic(`noisy (${LOSSY_SNR_DB} dB): frame loss A→B ${(lossAB * 100).toFixed(0)}% (${r.logB.decoded}/${r.logA.transmitted}), B→A ${(lossBA * 100).toFixed(0)}% (${r.logA.decoded}/${r.logB.transmitted}); load ${(r.load.send.wallMs / 1000).toFixed(1)} s, sync ${(r.sync.sync.wallMs / 1000).toFixed(1)} s`);
  check(r);
});

/** At 9600 bit/s (G3RUH), Dire Wolf loses about 5–10 % of frames at this SNR here (docs/interop.md). */
const LOSSY_SNR_9600_DB = 4.25;

test('the 2,000-row table through two Dire Wolf TNCs at 9600 bit/s with real demodulation loss: it crosses, exit 0, tables identical', { timeout: 600_000 }, async (t) => {
  const r = await syncThroughDirewolf({ harness: { seed: 13, modem: 9600, snrDb: LOSSY_SNR_9600_DB }, persons: 0, personTableRows: 2000, timeoutS: 400 }, 580_000);
  const lossAB = 1 - r.logB.decoded / Math.max(1, r.logA.transmitted);
  const sent = r.load.send.json as { sent?: { rows: number; bytes: number }; link?: { keyUps: number; turnarounds: number; framesSent: number } } | null;
  t.diagnostic(`9600, ${LOSSY_SNR_9600_DB} dB: frame loss A→B ${(lossAB * 100).toFixed(0)}% (${r.logB.decoded}/${r.logA.transmitted}); send ${(r.load.send.wallMs / 1000).toFixed(1)} s, ${sent?.sent?.bytes ?? '?'} B, ${sent?.link?.framesSent ?? '?'} frames in ${sent?.link?.keyUps ?? '?'} key-ups`);
  const detail = JSON.stringify(r.load).slice(0, 3000);
  assert.equal(r.load.send.code, 0, `send: ${detail}`);
  assert.equal(r.load.receive.code, 0, `receive: ${detail}`);
  assert.ok(r.identical, 'the tables end identical');
  assert.equal(r.rows.person, 2000);
});
