import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { decodeAx25, encodeUiFrame, MAX_AX25_FRAME_BYTES, MAX_AX25_INFO_BYTES, PID_NO_LAYER3, type UiFrame } from '../../src/framing/ax25.js';
import { isRadiosyncError } from '../../src/errors/RadiosyncError.js';

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
const bytes = (h: string) => new Uint8Array(Buffer.from(h.replace(/\s+/g, ''), 'hex'));

const addrArb = fc.record({ callsign: fc.stringMatching(/^[A-Z0-9]{1,6}$/), ssid: fc.integer({ min: 0, max: 15 }) });
const frameArb: fc.Arbitrary<UiFrame> = fc.record({
  destination: addrArb,
  source: addrArb,
  digipeaters: fc.array(fc.record({ callsign: fc.stringMatching(/^[A-Z0-9]{1,6}$/), ssid: fc.integer({ min: 0, max: 15 }), repeated: fc.boolean() }), { maxLength: 8 }),
  command: fc.boolean(),
  pid: fc.integer({ min: 0, max: 255 }),
  info: fc.uint8Array({ maxLength: 300 }),
});

const simple: UiFrame = {
  destination: { callsign: 'APRS', ssid: 0 },
  source: { callsign: 'N0CALL', ssid: 7 },
  digipeaters: [{ callsign: 'WIDE1', ssid: 1, repeated: true }],
  command: true,
  pid: PID_NO_LAYER3,
  info: new TextEncoder().encode('hi'),
};

test('encodeUiFrame lays out addresses, C/H bits, extension bit, control and PID', () => {
  assert.equal(
    hex(encodeUiFrame(simple)),
    '82a0a4a64040' + 'e0' + '9c60868298 98'.replace(/ /g, '') + '6e' + 'ae92888a6240' + 'e3' + '03f0' + '6869',
  );
  const response = hex(encodeUiFrame({ ...simple, digipeaters: [], command: false }));
  assert.equal(response.slice(12, 14), '60'); // destination C = 0
  assert.equal(response.slice(26, 28), 'ef'); // source C = 1, SSID 7, last
});

test('FCS option appends CRC-16/X.25 and decode checks it', () => {
  const withFcs = encodeUiFrame(simple, { fcs: true });
  assert.equal(withFcs.length, encodeUiFrame(simple).length + 2);
  const r = decodeAx25(withFcs, { fcs: true });
  assert.ok(r.ok);
  withFcs[20]! ^= 0x04;
  const bad = decodeAx25(withFcs, { fcs: true });
  assert.ok(!bad.ok && bad.error.code === 'RS_ERR_AX25_BAD_FCS');
});

test('decodeAx25 error codes: not UI, truncated, bad address, too long', () => {
  const ui = encodeUiFrame({ ...simple, digipeaters: [] });
  const rr = ui.slice(0, 15);
  rr[14] = 0x01; // S frame RR: addresses + control only
  const notUi = decodeAx25(rr);
  assert.ok(!notUi.ok && notUi.error.code === 'RS_ERR_AX25_NOT_UI' && notUi.error.data.control === 0x01);
  const iFrame = ui.slice();
  iFrame[14] = 0x00;
  assert.equal((decodeAx25(iFrame) as { error: { code: string } }).error.code, 'RS_ERR_AX25_NOT_UI');
  const codeOf = (b: Uint8Array) => {
    const r = decodeAx25(b);
    return r.ok ? 'ok' : r.error.code;
  };
  assert.equal(codeOf(ui.slice(0, 10)), 'RS_ERR_AX25_TRUNCATED');
  assert.equal(codeOf(ui.slice(0, 14)), 'RS_ERR_AX25_TRUNCATED');
  assert.equal(codeOf(ui.slice(0, 15)), 'RS_ERR_AX25_TRUNCATED');
  assert.equal(codeOf(ui.slice(0, 16)), 'ok');
  const lower = ui.slice();
  lower[0] = 'a'.charCodeAt(0) << 1;
  assert.equal(codeOf(lower), 'RS_ERR_AX25_BAD_ADDRESS');
  const lone = ui.slice();
  lone[6]! |= 1;
  assert.equal(codeOf(lone), 'RS_ERR_AX25_BAD_ADDRESS');
  const gap = ui.slice();
  gap[1] = 0x40; // "A B" in the middle of a callsign
  gap[2] = 0x84;
  assert.equal(codeOf(gap), 'RS_ERR_AX25_BAD_ADDRESS');
  // Nine digipeaters: the tenth address has no extension bit.
  const nine = new Uint8Array(7 * 11 + 2);
  for (let i = 0; i < 11; i++) nine.set(bytes('82 40 40 40 40 40 60'), i * 7);
  nine[11 * 7 - 1]! |= 1;
  assert.equal(codeOf(nine), 'RS_ERR_AX25_BAD_ADDRESS');
  assert.equal(codeOf(new Uint8Array(MAX_AX25_FRAME_BYTES + 1)), 'RS_ERR_AX25_TOO_LONG');
  const longInfo = encodeUiFrame({ ...simple, digipeaters: [], info: new Uint8Array(MAX_AX25_INFO_BYTES) });
  assert.equal(codeOf(longInfo), 'ok');
  assert.equal(codeOf(new Uint8Array([...longInfo, 0])), 'RS_ERR_AX25_TOO_LONG');
  // UI with the P/F bit set is still UI.
  const pf = ui.slice();
  pf[14] = 0x13;
  assert.equal(codeOf(pf), 'ok');
});

test('encodeUiFrame rejects bad arguments with typed errors', () => {
  assert.throws(() => encodeUiFrame({ ...simple, source: { callsign: 'N0CALLX', ssid: 0 } }), (e) => isRadiosyncError(e, 'RS_ERR_CALLSIGN_INVALID'));
  assert.throws(() => encodeUiFrame({ ...simple, destination: { callsign: 'APRS', ssid: 16 } }), (e) => isRadiosyncError(e, 'RS_ERR_CALLSIGN_INVALID'));
  const nine = Array.from({ length: 9 }, () => ({ callsign: 'WIDE', ssid: 1, repeated: false }));
  assert.throws(() => encodeUiFrame({ ...simple, digipeaters: nine }), (e) => isRadiosyncError(e, 'RS_ERR_AX25_BAD_ARGUMENT'));
  assert.throws(() => encodeUiFrame({ ...simple, pid: 256 }), (e) => isRadiosyncError(e, 'RS_ERR_AX25_BAD_ARGUMENT'));
  assert.throws(() => encodeUiFrame({ ...simple, info: new Uint8Array(MAX_AX25_INFO_BYTES + 1) }), (e) => isRadiosyncError(e, 'RS_ERR_AX25_BAD_ARGUMENT'));
});

test('property: decode(encode(frame)) is the identity, with and without FCS', () => {
  fc.assert(
    fc.property(frameArb, fc.boolean(), (frame, fcs) => {
      const r = decodeAx25(encodeUiFrame(frame, { fcs }), { fcs });
      assert.ok(r.ok);
      const plain = (f: UiFrame) => JSON.parse(JSON.stringify({ ...f, info: hex(f.info) })) as unknown;
      assert.deepEqual(plain(r.frame), plain(frame));
    }),
    { seed: 42, numRuns: 300 },
  );
});

test('property: decodeAx25 never throws on random or bit-flipped input', () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 200 }), fc.boolean(), (junk, fcs) => {
      const r = decodeAx25(junk, { fcs });
      if (r.ok) assert.ok(r.frame.info.length <= MAX_AX25_INFO_BYTES && r.frame.digipeaters.length <= 8);
      else assert.match(r.error.code, /^RS_ERR_AX25_/);
    }),
    { seed: 4242, numRuns: 1000 },
  );
  fc.assert(
    fc.property(frameArb, fc.array(fc.nat(), { minLength: 1, maxLength: 4 }), fc.boolean(), (frame, flips, fcs) => {
      const b = encodeUiFrame(frame, { fcs });
      for (const f of flips) b[(f >> 3) % b.length]! ^= 1 << (f & 7);
      const r = decodeAx25(b, { fcs });
      if (r.ok) assert.ok(r.frame.digipeaters.length <= 8);
      else assert.match(r.error.code, /^RS_ERR_AX25_/);
    }),
    { seed: 17, numRuns: 500 },
  );
});

test('decoded info is a copy, not a view of the input', () => {
  const b = encodeUiFrame(simple);
  const r = decodeAx25(b);
  assert.ok(r.ok);
  b[b.length - 1] = 0;
  assert.equal(new TextDecoder().decode(r.frame.info), 'hi');
});
