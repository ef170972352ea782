/**
 * Junk at full line rate, delivered straight to one station's TNC (as from a station the others
 * cannot hear: no collisions, every frame arrives — the worst case for the victim's CPU and memory).
 * Frame kinds: random bytes; well-formed but bogus radiosync frames (DATA, ANNOUNCE, ACK, HELLO,
 * CANCEL with random fields) from many fake callsigns; the same claiming a trusted callsign (no key);
 * and two targeted attacks claiming a trusted callsign: `spoofed-stream` (one transfer, k = 1, block
 * after block: every frame completes a block the receiver stores) and `spoofed-churn` (a new transfer
 * id every frame: pushes the receiver's least recently active partial transfers out).
 */
import type { Clock } from '../../src/clock/Clock.js';
import type { FramePort } from '../../src/sync/FramePort.js';
import { Prng } from '../../src/util/prng.js';
import { encodeDataFrame } from '../../src/link/frameHeader.js';
import { encodeAnnounceFrame } from '../../src/link/announceFrame.js';
import { encodeAckFrame } from '../../src/link/ackFrame.js';
import { encodeCancelFrame, encodeHelloFrame } from '../../src/link/controlFrames.js';
import { uiFrame } from './airRig.js';

export type FloodKind = 'random' | 'bogus-foreign' | 'bogus-spoofed' | 'spoofed-stream' | 'spoofed-churn';

export interface FloodStats {
  frames: number;
  bytes: number;
}

/** A FramePort that passes the real port through and adds the flood. */
export interface FloodPort extends FramePort {
  start(kind: FloodKind, opts: { bitrate: number; durationMs: number; seed?: number; victim: string; spoof?: string; callsigns?: number }): void;
  readonly stats: FloodStats;
}

const AX25_OVERHEAD = 20;
/** Injection batch: one timer per second of line time. */
const BATCH_MS = 1000;

function bytes(rng: Prng, n: number): Uint8Array {
  const b = new Uint8Array(n);
  for (let i = 0; i < n; i++) b[i] = rng.nextUint32() & 0xff;
  return b;
}

function bogusLinkFrame(rng: Prng): Uint8Array {
  const id = rng.int(0x10000);
  switch (rng.int(6)) {
    case 0:
    case 1: {
      const k = 1 + rng.int(rng.chance(0.5) ? 4 : 64);
      return encodeDataFrame({ burst: 0, eob: rng.chance(0.1), transferId: id, block: rng.chance(0.5) ? rng.int(8) : rng.int(1 << 20), shard: rng.int(256), k, payload: bytes(rng, 32 + rng.int(200)) });
    }
    case 2:
      return encodeAnnounceFrame({ burst: 0, eob: rng.chance(0.3), transferId: id, size: 1 + rng.int(128 * 1024 * 1024), shardSize: 1 + rng.int(2048), k: 1 + rng.int(255), hash: bytes(rng, 8) });
    case 3:
      return encodeAckFrame({ burst: 0, eob: true, transferId: id, known: true, complete: rng.chance(0.5), hashMismatch: false, rejected: rng.chance(0.2), heard: rng.int(256), base: rng.int(100), needs: [rng.int(5)], receipt: Uint8Array.of(1, ...bytes(rng, 8)) }, () => bytes(rng, 8));
    case 4:
      return encodeHelloFrame({ eob: true, body: bytes(rng, 1 + rng.int(30)) });
    default:
      return encodeCancelFrame({ eob: true, transferId: id, reason: 1 });
  }
}

export function floodPort(inner: FramePort, clock: Clock): FloodPort {
  const listeners = new Set<(f: Uint8Array) => void>();
  const stats: FloodStats = { frames: 0, bytes: 0 };
  inner.onFrame((f) => {
    for (const l of listeners) l(f);
  });
  const port: FloodPort = {
    stats,
    send: (f) => inner.send(f),
    onFrame: (l) => {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    ...(inner.onIdle ? { onIdle: (l: () => void) => inner.onIdle!(l) } : {}),
    start(kind, o) {
      const rng = new Prng(o.seed ?? 99);
      // fake callsigns K0AAA-1 …: never one of the test stations (N0…)
      const fakes = Array.from({ length: o.callsigns ?? 500 }, (_, i) => `K${i % 10}${String.fromCharCode(65 + (i % 26))}${String.fromCharCode(65 + ((i >> 3) % 26))}${String.fromCharCode(65 + ((i >> 5) % 26))}-${1 + (i % 15)}`);
      let seq = 0;
      const end = clock.now() + o.durationMs;
      const budget = (o.bitrate / 8) * (BATCH_MS / 1000);
      const batch = () => {
        if (clock.now() >= end) return;
        let spent = 0;
        while (spent < budget) {
          let f: Uint8Array;
          if (kind === 'random') f = bytes(rng, 16 + rng.int(300));
          else if (kind === 'spoofed-stream') f = uiFrame(o.spoof!, o.victim, encodeDataFrame({ burst: 0, eob: false, transferId: 0x7777, block: seq++, shard: 0, k: 1, payload: bytes(rng, 230) }));
          else if (kind === 'spoofed-churn') f = uiFrame(o.spoof!, o.victim, encodeDataFrame({ burst: 0, eob: false, transferId: seq++ & 0xffff, block: 0, shard: 0, k: 2, payload: bytes(rng, 230) }));
          else {
            const from = kind === 'bogus-spoofed' ? o.spoof! : fakes[rng.int(fakes.length)]!;
            f = uiFrame(from, rng.chance(0.9) ? o.victim : 'RSYNC', bogusLinkFrame(rng));
          }
          spent += f.length + AX25_OVERHEAD;
          stats.frames++;
          stats.bytes += f.length;
          for (const l of listeners) l(f);
        }
        clock.setTimer(BATCH_MS, batch);
      };
      clock.setTimer(0, batch);
    },
  };
  return port;
}
