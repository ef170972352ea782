import { test } from 'node:test';
import assert from 'node:assert/strict';
import { KissTnc } from '../../src/tnc/KissTnc.js';
import { createMemoryPair } from '../../src/transport/MemoryTransport.js';
import { ManualClock } from '../../src/clock/ManualClock.js';
import { encodeKiss, KissDecoder, type KissFrame } from '../../src/framing/kiss.js';
import { encodeUiFrame, decodeAx25, PID_NO_LAYER3 } from '../../src/framing/ax25.js';
import { isRadiosyncError } from '../../src/errors/RadiosyncError.js';
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { DIAGNOSTICS } from '../../src/diagnostics/DIAGNOSTICS.js';
import type { Transport } from '../../src/transport/Transport.js';

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
const text = (s: string) => new TextEncoder().encode(s);
const tick = () => new Promise((r) => setImmediate(r));

/** Everything the TNC side of the pair receives, raw. */
function record(t: Transport): { bytes: () => Uint8Array } {
  const chunks: Uint8Array[] = [];
  t.onData((c) => chunks.push(Uint8Array.from(c)));
  return { bytes: () => Buffer.concat(chunks) };
}

const frame = encodeUiFrame({
  destination: { callsign: 'RSYNC', ssid: 0 },
  source: { callsign: 'N0CALL', ssid: 7 },
  digipeaters: [],
  command: true,
  pid: PID_NO_LAYER3,
  info: Uint8Array.of(0xc0, 0xdb, 1, 2),
});

test('open sends init strings with pauses on the clock, then the KISS parameters', async () => {
  const clock = new ManualClock(0);
  const [host, tncSide] = createMemoryPair();
  const seen = record(tncSide);
  let opened: KissTnc | undefined;
  const opening = KissTnc.open(host, {
    initStrings: ['KISS ON', 'RESTART'],
    initDelayMs: 1000,
    clock,
    parameters: { txDelayMs: 300, persistence: 63, slotTimeMs: 100, txTailMs: 50 },
  }).then((t) => (opened = t));
  await tick();
  assert.equal(hex(seen.bytes()), hex(text('KISS ON\r')));
  await clock.run(() => opened !== undefined, 5000);
  await opening;
  await tick();
  assert.equal(hex(seen.bytes()), hex(text('KISS ON\rRESTART\r')) + 'c0011ec0' + 'c0023fc0' + 'c0030ac0' + 'c00405c0');
  assert.equal(clock.now(), 2000);
  assert.equal(opened!.stats.bytesOut, 16 + 16);
});

test('sendFrame writes one KISS data frame; onFrame gets the TNC\'s data frames and their port', async () => {
  const [host, tncSide] = createMemoryPair({ maxChunkBytes: 3 });
  const tnc = await KissTnc.open(host, { port: 2 });
  const decoder = new KissDecoder();
  const atTnc: KissFrame[] = [];
  tncSide.onData((c) => atTnc.push(...decoder.push(c)));
  await tnc.sendFrame(frame);
  await tnc.sendFrame(frame, 5);
  await tick();
  assert.deepEqual(atTnc.map((f) => [f.port, f.command, hex(f.data)]), [[2, 0, hex(frame)], [5, 0, hex(frame)]]);

  const heard: Array<[string, number]> = [];
  tnc.onFrame((f, port) => heard.push([hex(f), port]));
  // TNC chatter, a parameter echo, a data frame on port 1, a frame with a bad escape, another frame.
  await tncSide.write(new Uint8Array([...text('cmd:'), ...encodeKiss({ port: 0, command: 1, data: Uint8Array.of(30) })]));
  await tncSide.write(encodeKiss({ port: 1, command: 0, data: frame }));
  await tncSide.write(Uint8Array.of(0xc0, 0x00, 0xdb, 0x41, 0xc0));
  await tncSide.write(encodeKiss({ port: 0, command: 0, data: frame }));
  await tick();
  assert.deepEqual(heard, [[hex(frame), 1], [hex(frame), 0]]);
  const r = decodeAx25(Buffer.from(heard[0]![0], 'hex'));
  assert.ok(r.ok && r.frame.source.callsign === 'N0CALL');
  assert.deepEqual(tnc.stats, { framesIn: 2, framesOut: 2, bytesOut: 2 * encodeKiss({ port: 0, command: 0, data: frame }).length, nonData: 1, garbageBytes: 4 + 3, oversized: 0 });
});

test('diagnostics: frames in and out, and a listener that throws, are published on the tnc channels', async () => {
  const [host, tncSide] = createMemoryPair();
  const tnc = await KissTnc.open(host, { port: 3 });
  const seen: Array<[string, unknown]> = [];
  const subs = Object.values(DIAGNOSTICS.tnc).map((name) => [name, (m: unknown) => seen.push([name, m])] as const);
  for (const [name, fn] of subs) subscribe(name, fn);
  try {
    await tnc.sendFrame(frame);
    const boom = new Error('listener bug');
    let second = 0;
    tnc.onFrame(() => {
      throw boom;
    });
    tnc.onFrame(() => second++);
    await tncSide.write(encodeKiss({ port: 1, command: 0, data: frame }));
    await tick();
    assert.equal(second, 1, 'the other listener still got the frame');
    assert.deepEqual(seen, [
      [DIAGNOSTICS.tnc.frameOut, { transport: host.name, port: 3, bytes: frame.length }],
      [DIAGNOSTICS.tnc.frameIn, { transport: host.name, port: 1, bytes: frame.length }],
      [DIAGNOSTICS.tnc.listenerError, { transport: host.name, error: boom }],
    ]);
  } finally {
    for (const [name, fn] of subs) unsubscribe(name, fn);
  }
});

test('close sends C0 FF C0 and the exit strings, then closes the transport (once)', async () => {
  const [host, tncSide] = createMemoryPair();
  const seen = record(tncSide);
  const tnc = await KissTnc.open(host, { exitKiss: true, exitStrings: ['INTFACE TERMINAL', 'RESET'], initDelayMs: 0 });
  let closes = 0;
  tnc.onClose(() => closes++);
  await Promise.all([tnc.close(), tnc.close()]);
  await tick();
  assert.equal(hex(seen.bytes()), 'c0ffc0' + hex(text('INTFACE TERMINAL\rRESET\r')));
  assert.equal(closes, 1);
  await assert.rejects(tnc.sendFrame(frame), (e) => isRadiosyncError(e, 'RS_ERR_TRANSPORT_CLOSED'));
});

test('close works when the transport is already gone', async () => {
  const [host, tncSide] = createMemoryPair();
  const tnc = await KissTnc.open(host, { exitKiss: true });
  await tncSide.close();
  await tick();
  await tnc.close();
});

test('bad options and frames are typed errors', async () => {
  const [host] = createMemoryPair();
  await assert.rejects(KissTnc.open(host, { port: 16 }), (e) => isRadiosyncError(e, 'RS_ERR_TNC_BAD_OPTION'));
  await assert.rejects(KissTnc.open(host, { parameters: { txDelayMs: 9000 } }), (e) => isRadiosyncError(e, 'RS_ERR_TNC_BAD_OPTION'));
  await assert.rejects(KissTnc.open(host, { initStrings: ['KISS ON\rRESTART'] }), (e) => isRadiosyncError(e, 'RS_ERR_TNC_BAD_OPTION'));
  const tnc = await KissTnc.open(host);
  await assert.rejects(tnc.sendFrame(new Uint8Array(0)), (e) => isRadiosyncError(e, 'RS_ERR_TNC_FRAME_SIZE'));
  await assert.rejects(tnc.sendFrame(frame, 16), (e) => isRadiosyncError(e, 'RS_ERR_TNC_BAD_OPTION'));
});
