import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  AVERAGE_STUFFING,
  frameAirtimeMs,
  keyUpAirtimeMs,
  onAirBits,
  onAirBytes,
  stuffedBitCount,
} from '../../src/sim/airtime.js';

const digits = new TextEncoder().encode('123456789'); // FCS 0x906E, sent 6E 90: no run of five ones anywhere

test('bit stuffing counts a 0 after every five consecutive ones, LSB first, across bytes', () => {
  assert.equal(stuffedBitCount(new Uint8Array(10)), 80);
  assert.equal(stuffedBitCount(Uint8Array.of(0xff)), 9); // 11111 0 111
  assert.equal(stuffedBitCount(Uint8Array.of(0xff, 0xff)), 19); // three stuffed bits in 16 ones
  assert.equal(stuffedBitCount(Uint8Array.of(0x7e)), 9); // a flag pattern inside data gets stuffed
  assert.equal(stuffedBitCount(Uint8Array.of(0x1f)), 9); // 11111 0 000
  assert.equal(stuffedBitCount(Uint8Array.of(0x0f)), 8); // 1111 0000: no stuffing
  assert.equal(stuffedBitCount(Uint8Array.of(0xf0, 0x01)), 17); // 0000 1111 | 1 ...: run crosses the byte boundary
});

test('on-air bits and airtime of a known frame are exact', () => {
  // 9 bytes + FCS 6E 90 = 88 bits, no stuffing, + 16 flag bits
  assert.equal(onAirBits(digits), 104);
  assert.equal(onAirBytes(digits.length), 13);
  assert.equal(frameAirtimeMs(digits, 1200), (104 * 1000) / 1200);
  assert.equal(frameAirtimeMs(digits, 9600), (104 * 1000) / 9600);
  assert.equal(frameAirtimeMs(digits, 300), (104 * 1000) / 300);
  assert.equal(onAirBits(digits, 'average'), 16 + 88 * (1 + AVERAGE_STUFFING));
});

test('a frame of all ones costs 20% more bits than its bytes (the worst case)', () => {
  const ones = new Uint8Array(100).fill(0xff);
  const bits = onAirBits(ones);
  const payloadBits = bits - 16;
  assert.ok(payloadBits > 8 * 102 * 1.19 && payloadBits < 8 * 102 * 1.21, String(payloadBits));
});

test('a key-up is TXDELAY + frames + TXTAIL', () => {
  const ms = keyUpAirtimeMs([digits, digits], { bitrate: 1200, txDelayMs: 300, txTailMs: 50 });
  assert.equal(ms, 350 + (2 * 104 * 1000) / 1200);
});
