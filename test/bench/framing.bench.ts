/**
 * `npm run bench -- framing`: byte overheads of KISS and AX.25 as implemented, and codec speed.
 * Overheads are exact counts on seeded random payloads; speeds are for orientation only (the
 * codecs are never the bottleneck at radio bit rates).
 */
import { performance } from 'node:perf_hooks';
import { decodeAx25, encodeUiFrame, PID_NO_LAYER3, type UiFrame } from '../../src/framing/ax25.js';
import { encodeKiss, KissDecoder } from '../../src/framing/kiss.js';
import { Prng } from '../../src/util/prng.js';
import type { BenchReport } from './report.js';

function randomBytes(rng: Prng, n: number): Uint8Array {
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = rng.int(256);
  return out;
}

function frame(info: Uint8Array, digis: number): UiFrame {
  return {
    destination: { callsign: 'RSYNC', ssid: 0 },
    source: { callsign: 'N0CALL', ssid: 7 },
    digipeaters: Array.from({ length: digis }, (_, i) => ({ callsign: `RELAY${i}`, ssid: 1, repeated: false })),
    command: true,
    pid: PID_NO_LAYER3,
    info,
  };
}

export async function run(): Promise<BenchReport> {
  const rng = new Prng(42);
  const overhead = [];
  for (const [info, digis] of [[64, 0], [256, 0], [256, 2], [1024, 0]] as const) {
    let infoBytes = 0;
    let ax25Bytes = 0;
    let kissBytes = 0;
    for (let i = 0; i < 2000; i++) {
      const ax25 = encodeUiFrame(frame(randomBytes(rng, info), digis));
      infoBytes += info;
      ax25Bytes += ax25.length;
      kissBytes += encodeKiss({ port: 0, command: 0, data: ax25 }).length;
    }
    overhead.push({
      'info B': info,
      digis,
      'AX.25 header B': ax25Bytes / 2000 - info,
      'KISS B/frame': kissBytes / 2000,
      'KISS escaping %': ((kissBytes - ax25Bytes - 3 * 2000) / ax25Bytes) * 100,
      'serial/info': kissBytes / infoBytes,
    });
  }

  const payload = Array.from({ length: 4000 }, () => encodeUiFrame(frame(randomBytes(rng, 256), 0)));
  const totalBytes = payload.reduce((n, f) => n + f.length, 0);
  const time = (fn: () => void, reps: number) => {
    fn();
    const t0 = performance.now();
    for (let r = 0; r < reps; r++) fn();
    return (performance.now() - t0) / reps / 1000;
  };
  const withFcs = payload.map((f) => encodeUiFrame(frame(f.subarray(16), 0), { fcs: true }));
  const kissStreams = payload.map((f) => encodeKiss({ port: 0, command: 0, data: f }));
  const stream = Buffer.concat(kissStreams);
  const speeds = [
    { codec: 'encodeKiss', 'MB/s': totalBytes / 1e6 / time(() => payload.forEach((f) => encodeKiss({ port: 0, command: 0, data: f })), 5) },
    { codec: 'KissDecoder.push (whole)', 'MB/s': stream.length / 1e6 / time(() => new KissDecoder().push(stream), 5) },
    {
      codec: 'KissDecoder.push (64 B chunks)',
      'MB/s':
        stream.length /
        1e6 /
        time(() => {
          const d = new KissDecoder();
          for (let at = 0; at < stream.length; at += 64) d.push(stream.subarray(at, at + 64));
        }, 5),
    },
    { codec: 'encodeUiFrame', 'MB/s': totalBytes / 1e6 / time(() => payload.forEach((f) => encodeUiFrame(frame(f.subarray(16), 0))), 5) },
    { codec: 'decodeAx25', 'MB/s': totalBytes / 1e6 / time(() => payload.forEach((f) => decodeAx25(f)), 5) },
    { codec: 'decodeAx25 + FCS', 'MB/s': totalBytes / 1e6 / time(() => withFcs.forEach((f) => decodeAx25(f, { fcs: true })), 5) },
  ];
  return {
    tables: [
      {
        title: 'Bytes: AX.25 header and KISS serial-line overhead on seeded random info (2000 frames each)',
        columns: ['info B', 'digis', 'AX.25 header B', 'KISS B/frame', 'KISS escaping %', 'serial/info'],
        rows: overhead,
        notes: ['KISS escaping % excludes the two FENDs and the type byte; expected 2/256 = 0.78 % on random data', 'on air, add 2 FCS + 2 flags and bit stuffing; KISS bytes never go on air'],
      },
      { title: `Codec speed (4000 frames of 256 B info, ${(totalBytes / 1e6).toFixed(2)} MB)`, columns: ['codec', 'MB/s'], rows: speeds },
    ],
  };
}
