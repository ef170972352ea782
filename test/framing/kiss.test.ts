import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { encodeKiss, KissCommand, KissDecoder, MAX_KISS_FRAME_BYTES, FEND, FESC, type KissFrame } from '../../src/framing/kiss.js';
import { kissParameterFrames, kissReturn, kissSetHardware, kissTxDelay } from '../../src/framing/kissParameters.js';
import { isRadiosyncError } from '../../src/errors/RadiosyncError.js';

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
const bytes = (h: string) => new Uint8Array(Buffer.from(h.replace(/\s+/g, ''), 'hex'));

const frameArb: fc.Arbitrary<KissFrame> = fc.oneof(
  fc.record({ port: fc.integer({ min: 0, max: 15 }), command: fc.constant(0), data: fc.uint8Array({ maxLength: 300 }) }),
  fc.record({ port: fc.integer({ min: 0, max: 15 }), command: fc.constantFrom(1, 2, 3, 4, 5), data: fc.uint8Array({ minLength: 1, maxLength: 1 }) }),
  fc.record({ port: fc.integer({ min: 0, max: 15 }), command: fc.constant(6), data: fc.uint8Array({ maxLength: 20 }) }),
  fc.constant(kissReturn()),
);
// Special bytes are over-represented so escaping is exercised on every run.
const specialBytes = fc.array(fc.oneof(fc.constantFrom(FEND, FESC, 0xdc, 0xdd), fc.integer({ min: 0, max: 255 })), { maxLength: 200 }).map((a) => Uint8Array.from(a));

test('encodeKiss escapes FEND and FESC and sets the port nibble', () => {
  assert.equal(hex(encodeKiss({ port: 0, command: 0, data: bytes('01c0 02db 03') })), 'c000' + '01dbdc02dbdd03' + 'c0');
  assert.equal(hex(encodeKiss({ port: 5, command: 0, data: bytes('aa') })), 'c050aac0');
  assert.equal(hex(encodeKiss({ port: 12, command: 0, data: bytes('aa') })), 'c0dbdcaac0'); // regression: seed 42
  assert.equal(hex(encodeKiss(kissReturn())), 'c0ffc0');
  assert.equal(hex(encodeKiss(kissTxDelay(300))), 'c0011ec0');
  assert.equal(hex(encodeKiss(kissTxDelay(300, 2))), 'c0211ec0');
});

test('parameter frames: TXDELAY, P, SlotTime, TXtail, FullDuplex, SetHardware', () => {
  const frames = kissParameterFrames({ txDelayMs: 300, persistence: 63, slotTimeMs: 100, txTailMs: 50, fullDuplex: false });
  assert.deepEqual(frames.map((f) => hex(encodeKiss(f))), ['c0011ec0', 'c0023fc0', 'c0030ac0', 'c00405c0', 'c00500c0']);
  assert.equal(hex(encodeKiss(kissSetHardware(new TextEncoder().encode('TXBUF:')))), 'c006' + hex(new TextEncoder().encode('TXBUF:')) + 'c0');
  assert.throws(() => kissTxDelay(5000), (e) => isRadiosyncError(e, 'RS_ERR_KISS_BAD_ARGUMENT'));
  assert.throws(() => encodeKiss({ port: 16, command: 0, data: new Uint8Array() }), (e) => isRadiosyncError(e, 'RS_ERR_KISS_BAD_ARGUMENT'));
  assert.throws(() => encodeKiss({ port: 0, command: 9, data: new Uint8Array() }), (e) => isRadiosyncError(e, 'RS_ERR_KISS_BAD_ARGUMENT'));
});

test('decoder: garbage before the first FEND and between frames is skipped and counted', () => {
  const d = new KissDecoder();
  const text = new TextEncoder().encode('cmd:KISS ON\r\n');
  const stream = new Uint8Array([...text, ...encodeKiss({ port: 0, command: 0, data: bytes('0102') }), 0x0d, 0x0a, ...encodeKiss({ port: 1, command: 0, data: bytes('03') })]);
  const frames = d.push(stream);
  assert.deepEqual(frames.map((f) => [f.port, f.command, hex(f.data)]), [[0, 0, '0102'], [1, 0, '03']]);
  // 13 bytes of text before the first FEND, and "\r\n" read as a frame with unknown command 0xd.
  assert.equal(d.stats.garbageBytes, text.length + 2);
  assert.equal(d.stats.frames, 2);
});

test('decoder: a bad escape drops the whole frame, never part of it', () => {
  const d = new KissDecoder();
  const frames = d.push(bytes('c0 00 01 db 41 02 c0 00 99 c0'));
  assert.deepEqual(frames.map((f) => hex(f.data)), ['99']);
  assert.equal(d.stats.garbageBytes, 5);
});

test('decoder: parameter commands need exactly one byte; empty FEND pairs are ignored', () => {
  const d = new KissDecoder();
  const frames = d.push(bytes('c0c0c0 01 1e c0 02 c0 03 0a 0b c0 ff c0'));
  assert.deepEqual(frames.map((f) => [f.command, hex(f.data)]), [[KissCommand.TxDelay, '1e'], [KissCommand.Return, '']]);
  assert.equal(d.stats.garbageBytes, 1 + 3);
});

test('decoder: oversized frames are dropped and the decoder resynchronises', () => {
  const d = new KissDecoder({ maxFrameBytes: 8 });
  const ok = encodeKiss({ port: 0, command: 0, data: new Uint8Array(7) });
  const big = encodeKiss({ port: 0, command: 0, data: new Uint8Array(8) });
  const frames = d.push(new Uint8Array([...big, ...ok]));
  assert.equal(frames.length, 1);
  assert.equal(frames[0]!.data.length, 7);
  assert.equal(d.stats.oversized, 1);
  assert.equal(d.stats.garbageBytes, 9);
});

test('property: decode(encode(frames)) is the identity, however the stream is chunked', () => {
  fc.assert(
    fc.property(fc.array(frameArb, { maxLength: 12 }), specialBytes, fc.array(fc.integer({ min: 1, max: 64 }), { minLength: 1, maxLength: 20 }), (frames, _junk, cuts) => {
      const stream = Buffer.concat(frames.map((f) => encodeKiss(f)));
      const d = new KissDecoder();
      const got: KissFrame[] = [];
      let at = 0;
      let i = 0;
      while (at < stream.length) {
        const n = cuts[i++ % cuts.length]!;
        got.push(...d.push(new Uint8Array(stream.subarray(at, at + n))));
        at += n;
      }
      assert.deepEqual(got.map((f) => [f.port, f.command, hex(f.data)]), frames.map((f) => [f.port, f.command, hex(f.data)]));
      assert.equal(d.stats.garbageBytes, 0);
    }),
    { seed: 42, numRuns: 300 },
  );
});

test('property: chunking invariance on arbitrary (garbage-laden) streams', () => {
  fc.assert(
    fc.property(fc.array(fc.oneof(specialBytes, frameArb.map((f) => encodeKiss(f))), { maxLength: 10 }), fc.integer({ min: 1, max: 17 }), (parts, step) => {
      const stream = Buffer.concat(parts);
      const whole = new KissDecoder({ maxFrameBytes: 64 });
      const expected = whole.push(stream);
      const split = new KissDecoder({ maxFrameBytes: 64 });
      const got: KissFrame[] = [];
      for (let at = 0; at < stream.length; at += step) got.push(...split.push(stream.subarray(at, at + step)));
      assert.deepEqual(got, expected);
      assert.deepEqual(split.stats, whole.stats);
    }),
    { seed: 7, numRuns: 300 },
  );
});

test('property: the decoder never throws on random input and respects its bound', () => {
  fc.assert(
    fc.property(specialBytes, fc.integer({ min: 1, max: 32 }), (junk, max) => {
      const d = new KissDecoder({ maxFrameBytes: max });
      const frames = d.push(junk);
      for (const f of frames) assert.ok(f.data.length + 1 <= max);
      assert.ok(d.stats.garbageBytes <= junk.length);
    }),
    { seed: 1234, numRuns: 500 },
  );
});

test('property: bit-flipped streams never throw and never yield an oversized frame', () => {
  fc.assert(
    fc.property(fc.array(frameArb, { minLength: 1, maxLength: 6 }), fc.array(fc.nat(), { minLength: 1, maxLength: 8 }), (frames, flips) => {
      const stream = Uint8Array.from(Buffer.concat(frames.map((f) => encodeKiss(f))));
      for (const f of flips) stream[(f >> 3) % stream.length]! ^= 1 << (f & 7);
      const d = new KissDecoder({ maxFrameBytes: 128 });
      for (const f of d.push(stream)) assert.ok(f.data.length < 128);
    }),
    { seed: 99, numRuns: 300 },
  );
});

test('default bound is the named constant', () => {
  const d = new KissDecoder();
  const frames = d.push(encodeKiss({ port: 0, command: 0, data: new Uint8Array(MAX_KISS_FRAME_BYTES) }));
  assert.equal(frames.length, 0);
  assert.equal(d.stats.oversized, 1);
  assert.equal(d.push(encodeKiss({ port: 0, command: 0, data: new Uint8Array(MAX_KISS_FRAME_BYTES - 1) })).length, 1);
});
