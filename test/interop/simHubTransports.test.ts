import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KissCommand, KissDecoder, encodeKiss, type KissFrame } from '../../src/framing/kiss.js';
import { runSimHub, type SimHub } from '../../src/sim/SimHub.js';
import { openTransport } from '../../src/transport/openTransport.js';
import type { Transport } from '../../src/transport/Transport.js';

// Real time: every wait is bounded by STEP_TIMEOUT_MS, and cleanup always runs.
const STEP_TIMEOUT_MS = 5000;

function nextFrame(t: Transport): Promise<KissFrame> {
  const dec = new KissDecoder();
  let timer: NodeJS.Timeout;
  return new Promise<KissFrame>((resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out waiting on ${t.name}`)), STEP_TIMEOUT_MS);
    const off = t.onData((chunk) => {
      for (const f of dec.push(chunk)) {
        if (f.command === KissCommand.Data) {
          off();
          resolve(f);
        }
      }
    });
  }).finally(() => clearTimeout(timer));
}

test('radiosync transports reach the sim hub like a real TNC: KISS-over-TCP at A, serial (pty) at B, both ways', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'rs-hubtr-'));
  let hub: SimHub | undefined;
  const open: Transport[] = [];
  try {
    hub = await runSimHub({
      stations: ['A', 'B'],
      bitrate: 9600,
      basePort: 0,
      ptyDir: dir,
      radio: { txDelayMs: 10, txTailMs: 10, persistence: 255, slotTimeMs: 10 },
      reportIntervalMs: 0,
      handleSignals: false,
      print: () => {},
    });
    const [sa, sb] = hub.stations;
    const a = await openTransport({ kind: 'kiss-tcp', host: '127.0.0.1', port: sa!.port });
    open.push(a);
    const b = await openTransport({ kind: 'serial', path: sb!.ptyPath!, baud: 9600 });
    open.push(b);
    const toB = Uint8Array.from({ length: 64 }, (_, i) => 255 - i); // includes 0xC0 and 0xDB
    const atB = nextFrame(b);
    await a.write(encodeKiss({ port: 0, command: KissCommand.Data, data: toB }));
    assert.deepEqual((await atB).data, toB);
    const toA = new TextEncoder().encode('reply over the serial path');
    const atA = nextFrame(a);
    await b.write(encodeKiss({ port: 0, command: KissCommand.Data, data: toA }));
    assert.deepEqual((await atA).data, toA);
    const report = hub.report();
    assert.equal(report.stations[0]!.framesSent, 1);
    assert.equal(report.stations[1]!.framesSent, 1);
    assert.equal(report.totals.keyUps, 2);
  } finally {
    for (const t of open) await t.close();
    await hub?.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});
