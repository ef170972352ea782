/**
 * Acks are ordinary input whatever their timing: a flood of acks for bursts never sent, genuinely
 * tagged (the attacker holds the pair key, or replays what the receiver said) or replayed, changes
 * nothing and does not stop the real transfer. They are counted.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { ackTagInput, type AckAuthenticator } from '../../src/link/AckAuthenticator.js';
import { encodeAckFrame } from '../../src/link/ackFrame.js';
import { decodeFrame } from '../../src/link/decodeFrame.js';
import { FrameType } from '../../src/link/frameHeader.js';
import { payloadHash } from '../../src/link/payloadHash.js';
import { bytesSource } from '../../src/link/PayloadSource.js';
import { makeNet, payloadOf } from './helpers/harness.js';

const KEY = 'flood pair key';
const mac = (from: string, to: string, b: Uint8Array) => new Uint8Array(createHmac('sha256', KEY).update(`${from}>${to}`).update(b).digest().subarray(0, 8));
const auth = (self: string): AckAuthenticator => ({
  enabled: true,
  sign: (peer, b) => mac(self, peer, b),
  verify: (peer, b, t) => Buffer.from(mac(peer, self, b)).equals(Buffer.from(t)),
});

async function transfer(flood: boolean) {
  const net = makeNet({ bitrate: 1200, loss: 0.1, seed: 77, hostLatencyMs: [0, 300], rxLatencyMs: [0, 500], persistence: 63 });
  const a = net.add('N0AAA', { authenticator: auth('N0AAA') });
  const b = net.add('N0BBB', { authenticator: auth('N0BBB') });
  const payload = payloadOf(20_000, 77);
  const hash = payloadHash(bytesSource(payload));
  const id = a.link.enqueue({ to: ['N0BBB'], payload });
  let injected = 0;
  if (flood) {
    // every 700 ms: acks for every burst number (genuinely tagged: "every block complete"), and
    // replays of every ack the receiver really sent so far
    const tick = () => {
      if (a.delivered.length > 0) return;
      for (let burst = 0; burst < 0x10000; burst += 4093) {
        const fields = { eob: true, transferId: id, burst, known: true, complete: false, hashMismatch: false, rejected: false, heard: 50, base: 0, needs: [0, 0, 0, 0, 0, 0, 0, 0] };
        a.link.receive('N0BBB', 'N0AAA', encodeAckFrame(fields, (x) => mac('N0BBB', 'N0AAA', ackTagInput(x, hash))));
        injected++;
      }
      for (const e of net.channel.log) {
        const f = decodeFrame(e.frame);
        if (e.from === 'N0BBB' && f.ok && f.frame.type === FrameType.Ack) {
          a.link.receive('N0BBB', 'N0AAA', e.frame);
          injected++;
        }
      }
      net.clock.setTimer(700, tick);
    };
    net.clock.setTimer(700, tick);
  }
  await net.run(() => a.delivered.length > 0, 3 * 3_600_000);
  return { net, a, b, payload, injected };
}

test('a flood of genuinely tagged acks for bursts never sent, and replays of real acks, neither stops nor corrupts the transfer', async () => {
  const quiet = await transfer(false);
  const noisy = await transfer(true);
  assert.equal(noisy.a.delivered.length, 1, 'the real transfer completed during the flood');
  assert.equal(noisy.b.received.length, 1);
  assert.deepEqual(noisy.b.received[0]!.bytes, noisy.payload);
  assert.ok(noisy.injected > 1000, `${noisy.injected} acks injected`);
  const st = noisy.a.link.stats;
  assert.ok(st.acksUnsentBurst > 500, `acks for unsent bursts counted: ${st.acksUnsentBurst}`);
  // the forged "every block complete" never counted: the sender sent at least the data the receiver needed
  assert.ok(noisy.net.channel.counters.get('N0AAA')!.dataFrames >= Math.ceil(20_000 / 249));
  // and the flood cost little: within 1.5× the quiet run's time on the same channel
  const tQuiet = quiet.net.clock.now();
  const tNoisy = noisy.net.clock.now();
  assert.ok(tNoisy <= 1.5 * tQuiet, `flooded ${tNoisy / 1000} s vs ${tQuiet / 1000} s`);
});
