/**
 * Interop against real Dire Wolf TNCs (two instances joined by a software audio path; see
 * harness.ts). Each scenario runs in its own private network namespace (netns.ts), in real time at
 * 1200 bit/s, so this file takes about a minute. If Dire Wolf cannot run here the tests FAIL with
 * the reason; they are never skipped.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { checkDirewolf } from './harness.js';
import { checkNetnsTools, runInPrivateNetns, type ScenarioRun } from './netns.js';
import type { UiFramesArgs, UiFramesResult } from './scenarios/uiFrames.js';
import type { ConnectedTransferArgs, ConnectedTransferResult } from './scenarios/connectedTransfer.js';

const uiScenario = fileURLToPath(new URL('./scenarios/uiFrames.ts', import.meta.url));
const connectedScenario = fileURLToPath(new URL('./scenarios/connectedTransfer.ts', import.meta.url));

/** SNR (dB, see audioChannel.ts) at which 100-byte UI frames lost about 10–30% here (calibrated; the cliff is steep). */
export const LOSSY_SNR_DB = -1.5;

async function runUi(args: UiFramesArgs, timeoutMs: number): Promise<UiFramesResult> {
  const run: ScenarioRun<UiFramesResult & { error?: string }> = await runInPrivateNetns(uiScenario, [JSON.stringify(args)], timeoutMs);
  const why = `scenario exit ${run.code}${run.signal ? ` (${run.signal})` : ''}: ${run.result?.error ?? 'no result'}\n${run.stderr.slice(-3000)}`;
  assert.equal(run.code, 0, why);
  assert.ok(run.result && !run.result.error, why);
  return run.result;
}

test('Dire Wolf and the namespace tools are available (fails, never skips, when they are not)', () => {
  const version = checkDirewolf();
  assert.match(version, /^\d+\.\d+/);
  checkNetnsTools();
});

test('UI frames from our codec cross two real Dire Wolf TNCs intact: KISS TCP in, audio, KISS pty (serialport) out; a Dire Wolf beacon decodes', { timeout: 90_000 }, async (t) => {
  const r = await runUi(
    {
      harness: { seed: 1, beaconB: { dest: 'BEACON', info: 'radiosync interop beacon', delaySec: 1, everySec: 60 } },
      count: 6,
      infoBytes: 100,
      intervalMs: 0,
      settleMs: 4_000,
      expectBeacon: true,
    },
    80_000,
  );
  t.diagnostic(`clean channel: ${r.received}/${r.sent} frames, airtime A→B ${(r.airtimeMsAToB / 1000).toFixed(1)} s, pty ${r.ptyPathB}`);
  assert.equal(r.received, r.sent, 'every frame arrives on a clean channel');
  assert.equal(r.corrupted, 0);
  assert.equal(r.duplicates, 0);
  assert.deepEqual(r.rejected, {});
  assert.equal(r.kissDecoderB.garbageBytes, 0, 'the pty carries clean KISS');
  // Dire Wolf B's own decoder shows our frames as valid AX.25 with our callsigns.
  assert.equal(r.decodedInLogB, r.sent);
  // A frame Dire Wolf built itself (its CBEACON) is decoded by our codec.
  assert.deepEqual(r.beacon, { source: 'N0BBB', destination: 'BEACON', info: 'radiosync interop beacon', pid: 0xf0 });
});

test('through a noisy channel (real demodulation loss): what arrives is intact, and the loss is reported', { timeout: 120_000 }, async (t) => {
  const r = await runUi({ harness: { seed: 2, snrDb: LOSSY_SNR_DB }, count: 30, infoBytes: 100, intervalMs: 0, settleMs: 4_000 }, 110_000);
  t.diagnostic(`SNR ${LOSSY_SNR_DB} dB: ${r.received}/${r.sent} frames arrived, loss ${(r.lossRatio * 100).toFixed(0)}% (${JSON.stringify(r.rejected)} rejected at B)`);
  assert.equal(r.corrupted, 0, 'no damaged frame gets past the FCS');
  assert.equal(r.duplicates, 0);
  assert.ok(r.received >= 1, 'some frames survive');
  assert.equal(r.decodedInLogB, r.received, 'Dire Wolf passed on exactly what it decoded');
});

test("the AGW client drives Dire Wolf's own AX.25 v2.2 connected mode end to end (the benchmark baseline)", { timeout: 90_000 }, async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'radiosync-agw-'));
  try {
    const file = join(dir, 'payload.bin');
    // 600 bytes: three I frames at PACLEN 256, including FEND/FESC-looking bytes.
    writeFileSync(file, Buffer.from(Array.from({ length: 600 }, (_, i) => (i * 37 + 0xc0) & 0xff)));
    const args: ConnectedTransferArgs = { harness: { seed: 3 }, file, timeoutMs: 70_000 };
    const run: ScenarioRun<ConnectedTransferResult & { error?: string }> = await runInPrivateNetns(connectedScenario, [JSON.stringify(args)], 80_000);
    const why = `scenario exit ${run.code}: ${run.result?.error ?? 'no result'}\n${run.stderr.slice(-3000)}`;
    assert.equal(run.code, 0, why);
    const r = run.result!;
    t.diagnostic(`600 B in ${(r.wallMs / 1000).toFixed(1)} s (connect ${(r.connectMs / 1000).toFixed(1)} s), frames sent by A: ${JSON.stringify(r.logA.txKinds)}`);
    assert.ok(r.ok, why);
    assert.equal(r.received, 600);
    assert.ok(r.intact, 'B got exactly the bytes A sent');
    assert.match(r.connectText, /CONNECTED With Station N0BBB/);
    assert.equal(r.logA.txKinds.SABME, 1, 'Dire Wolf opened the link as v2.2 (SABME)');
    assert.ok((r.logA.txKinds.I ?? 0) >= 3, 'the data went as I frames');
    assert.equal(r.logA.txKinds.DISC, 1, 'and the link was closed');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
