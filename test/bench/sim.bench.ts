/**
 * `npm run bench -- sim`: what the simulated channel costs and how fast it simulates.
 * - airtime of one key-up of 8 frames (exact stuffing vs the 1/62 average) and the goodput it gives;
 * - channel-access wait with p-persistence 63 and a 100 ms slot;
 * - collisions with carrier sense vs without (slotted ALOHA) at the same offered load;
 * - wall time to simulate an hour of two-way traffic at 1200 bit/s on virtual time.
 */
import { performance } from 'node:perf_hooks';
import { ManualClock } from '../../src/clock/ManualClock.js';
import { keyUpAirtimeMs } from '../../src/sim/airtime.js';
import { RadioChannel } from '../../src/sim/RadioChannel.js';
import { Prng } from '../../src/util/prng.js';
import type { BenchReport } from './report.js';

const HEADER = 16; // AX.25 UI header without digipeaters

function randomFrame(prng: Prng, payload: number): Uint8Array {
  const f = new Uint8Array(HEADER + payload);
  for (let i = 0; i < f.length; i++) f[i] = prng.int(256);
  return f;
}

export async function run(): Promise<BenchReport> {
  const prng = new Prng(1);
  const airRows: Array<Record<string, string | number>> = [];
  for (const bitrate of [300, 1200, 9600]) {
    for (const payload of [64, 128, 256, 512]) {
      const frames = Array.from({ length: 8 }, () => randomFrame(prng, payload));
      const p = { bitrate, txDelayMs: 300, txTailMs: 50 };
      const exact = keyUpAirtimeMs(frames, p);
      const avg = keyUpAirtimeMs(frames, { ...p, stuffing: 'average' });
      airRows.push({
        'bit/s': bitrate,
        'payload B': payload,
        'key-up ms (exact)': exact,
        'key-up ms (1/62)': avg,
        'exact/avg': exact / avg,
        'goodput B/s': (8 * payload * 1000) / exact,
        'share of R/8': (8 * payload * 1000) / exact / (bitrate / 8),
      });
    }
  }

  // access wait at p = 63, slot 100 ms
  const accessRows: Array<Record<string, string | number>> = [];
  for (const persistence of [63, 127, 255]) {
    const clock = new ManualClock(0);
    const ch = new RadioChannel({ clock, seed: 2, bitrate: 1200 });
    const a = ch.attach('A', { persistence });
    ch.attach('B');
    for (let i = 0; i < 2000; i++) {
      a.send(randomFrame(prng, 32));
      while (!ch.quiet && clock.step());
    }
    accessRows.push({ persistence, 'p per slot': (persistence + 1) / 256, 'mean access wait ms': ch.stats().A!.accessWaitMs / 2000 });
  }

  // carrier sense vs ALOHA: 4 stations, each offering a 256-byte frame every ~15 s on average
  const collisionRows: Array<Record<string, string | number>> = [];
  for (const carrierSense of [true, false]) {
    const clock = new ManualClock(0);
    const ch = new RadioChannel({ clock, seed: 3, bitrate: 1200, carrierSense });
    const stations = ['A', 'B', 'C', 'D'].map((n) => ch.attach(n));
    const jitter = new Prng(4);
    for (const s of stations) {
      for (let t = jitter.next() * 15_000; t < 3600_000; t += jitter.next() * 30_000) clock.setTimer(t, () => s.send(randomFrame(prng, 256)));
    }
    while (clock.step());
    const t = ch.totals();
    collisionRows.push({
      'carrier sense': carrierSense ? 'yes' : 'no (ALOHA)',
      'key-ups': t.keyUps,
      'colliding key-ups': t.collisions,
      'share': t.collisions / t.keyUps,
      'frames lost to collision (per receiver)': t.lostBy.collision,
    });
  }

  // simulation speed: an hour of bursts and acks at 1200 bit/s with 10% loss
  const clock = new ManualClock(0);
  const ch = new RadioChannel({ clock, seed: 5, bitrate: 1200, loss: { kind: 'iid', p: 0.1 } });
  const a = ch.attach('A');
  const b = ch.attach('B');
  const burst = () => {
    for (let i = 0; i < 7; i++) a.send(randomFrame(prng, 256));
  };
  let inBurst = 0;
  b.onFrame(() => {
    if (++inBurst === 1) clock.setTimer(8000, () => b.send(randomFrame(prng, 8)));
  });
  a.onFrame(() => {
    inBurst = 0;
    burst();
  });
  a.onIdle(() => clock.setTimer(15_000, () => !a.transmitting && a.queuedFrames === 0 && !ch.busy && burst()));
  burst();
  const t0 = performance.now();
  clock.advance(3600_000);
  const wallMs = performance.now() - t0;
  const s = ch.stats();
  const speedRows = [
    {
      'virtual s': 3600,
      'wall ms': wallMs,
      'speed-up': 3600_000 / wallMs,
      'frames sent': s.A!.framesSent + s.B!.framesSent,
      'key-ups': s.A!.keyUps + s.B!.keyUps,
      'channel busy': (s.A!.airtimeMs + s.B!.airtimeMs) / 3600_000,
    },
  ];

  return {
    tables: [
      {
        title: 'One key-up of 8 random frames (16-byte header + payload), TXDELAY 300 ms, TXTAIL 50 ms',
        columns: Object.keys(airRows[0]!),
        rows: airRows,
        notes: ['exact/avg compares counted bit stuffing on random bytes with the 1 + 1/62 average'],
      },
      { title: 'Channel access wait, slot 100 ms (2000 key-ups each)', columns: Object.keys(accessRows[0]!), rows: accessRows },
      { title: '4 stations, an hour, 256-byte frames offered every ~15 s each, 1200 bit/s', columns: Object.keys(collisionRows[0]!), rows: collisionRows },
      { title: 'Simulation speed (ManualClock.advance, synchronous)', columns: Object.keys(speedRows[0]!), rows: speedRows },
    ],
  };
}
