import { test } from 'node:test';
import assert from 'node:assert/strict';
import { KissCommand, KissDecoder, encodeKiss } from '../../src/framing/kiss.js';
import { isRadiosyncError } from '../../src/errors/RadiosyncError.js';
import { drain, frameOf, makeChannel } from './helpers.js';

test('bytes written to one station\'s KISS port come out of another\'s as KISS', async () => {
  const { clock, channel } = makeChannel();
  const a = channel.attach('A');
  const b = channel.attach('B');
  const dec = new KissDecoder();
  const out: Uint8Array[] = [];
  b.kiss.onData((chunk) => {
    for (const f of dec.push(chunk)) if (f.command === KissCommand.Data) out.push(f.data);
  });
  const payload = frameOf(120, 7);
  payload[10] = 0xc0; // FEND and FESC inside the frame survive escaping
  payload[11] = 0xdb;
  const wire = encodeKiss({ port: 0, command: KissCommand.Data, data: payload });
  await a.kiss.write(wire.subarray(0, 5)); // split anywhere
  await a.kiss.write(wire.subarray(5));
  drain(clock, channel);
  assert.equal(out.length, 1);
  assert.deepEqual(out[0], payload);
  assert.equal(channel.stats().A!.framesSent, 1);
});

test('KISS parameter commands set the station radio, TXBUF: reports queued bytes', async () => {
  const { channel } = makeChannel();
  const a = channel.attach('A');
  channel.attach('B');
  const port = a.openKiss('test');
  const cmd = (command: number, v: number) => encodeKiss({ port: 0, command, data: Uint8Array.of(v) });
  await port.write(cmd(KissCommand.TxDelay, 25));
  await port.write(cmd(KissCommand.Persistence, 127));
  await port.write(cmd(KissCommand.SlotTime, 5));
  await port.write(cmd(KissCommand.TxTail, 3));
  await port.write(cmd(KissCommand.FullDuplex, 1));
  assert.deepEqual(a.radioParams, { txDelayMs: 250, persistence: 127, slotTimeMs: 50, txTailMs: 30, fullDuplex: true });
  a.send(frameOf(100));
  a.send(frameOf(60));
  const dec = new KissDecoder();
  const replies: string[] = [];
  port.onData((c) => {
    for (const f of dec.push(c)) if (f.command === KissCommand.SetHardware) replies.push(new TextDecoder().decode(f.data));
  });
  await port.write(encodeKiss({ port: 0, command: KissCommand.SetHardware, data: new TextEncoder().encode('TXBUF:') }));
  assert.deepEqual(replies, ['TXBUF:160']);
  // frames on other ports are ignored by a one-port TNC
  await port.write(encodeKiss({ port: 1, command: KissCommand.Data, data: frameOf(30) }));
  assert.equal(a.queuedFrames, 2);
});

test('a KISS port closes with its radio and then rejects writes', async () => {
  const { channel } = makeChannel();
  const a = channel.attach('A');
  let closed = 0;
  a.kiss.onClose(() => closed++);
  a.close();
  assert.equal(closed, 1);
  await assert.rejects(a.kiss.write(Uint8Array.of(0xc0)), (e) => isRadiosyncError(e, 'RS_ERR_TRANSPORT_CLOSED'));
  // a listener registered after the close is still called (the Transport contract)
  await new Promise<void>((resolve) => a.kiss.onClose(() => resolve()));
});
