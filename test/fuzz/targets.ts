/**
 * Fuzz targets: every decoder of input from outside (air, TNC, bundle file) and the whole receive
 * path. Each target turns one generated input into one call and checks the contract:
 * - result-returning decoders (KISS, AX.25, link frames) never throw; a failure is a typed error;
 * - throwing decoders (changeset, envelope, receipt, bundle) throw only RadiosyncError;
 * - anything that authenticates (envelope, receipt) accepts only inputs identical to a genuine one;
 * - the receive path and bundle import never change the station's data (tables, version vector,
 *   peer cursors), checked by the harness after the run.
 */
import { KissDecoder, MAX_KISS_FRAME_BYTES, encodeKiss, KissCommand } from '../../src/framing/kiss.js';
import { decodeAx25, encodeUiFrame } from '../../src/framing/ax25.js';
import { decodeFrame } from '../../src/link/decodeFrame.js';
import { decodeChangeset } from '../../src/changeset/codec.js';
import { BODY_DEFLATE, CHANGESET_FORMAT_VERSION } from '../../src/changeset/codec.js';
import { deflateSync } from 'fflate';
import { decodeBundle } from '../../src/bundle/bundle.js';
import { openEnvelope } from '../../src/auth/envelope.js';
import { openReceipt } from '../../src/sync/receipt.js';
import { importBundleRecords } from '../../src/sync/bundles.js';
import { StationRuntime } from '../../src/sync/StationRuntime.js';
import type { FramePort } from '../../src/sync/FramePort.js';
import { isRadiosyncError } from '../../src/errors/RadiosyncError.js';
import { parseCallsign } from '../../src/framing/callsign.js';
import { createHash } from 'node:crypto';
import { Prng } from '../../src/util/prng.js';
import { mutate, nextInput, randomBytes } from './mutate.js';
import type { Corpus } from './corpus.js';
import { PID_NO_L3 } from '../security/airRig.js';

export interface FuzzTarget {
  name: string;
  /** Inputs in the full `npm run fuzz`. */
  fullCount: number;
  /** Make one input. */
  gen(rng: Prng): Uint8Array;
  /** Feed it; throw AssertionError-like Error on a contract breach. */
  run(input: Uint8Array): void;
  /** Called once after the run (state checks). */
  finish?(): void;
  /** Counters to print (accepted, rejected…). */
  readonly tally: Record<string, number>;
}

export class FuzzFailure extends Error {
  constructor(
    readonly target: string,
    message: string,
    readonly input?: Uint8Array,
  ) {
    super(`${target}: ${message}${input ? ` (input ${Buffer.from(input.subarray(0, 64)).toString('hex')}${input.length > 64 ? '…' : ''}, ${input.length} bytes)` : ''}`);
  }
}

function typedOnly(target: string, input: Uint8Array, e: unknown, tally: Record<string, number>): void {
  if (!isRadiosyncError(e)) throw new FuzzFailure(target, `untyped exception escaped: ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}`, input);
  tally[e.code] = (tally[e.code] ?? 0) + 1;
}

function equalsAny(b: Uint8Array, list: readonly Uint8Array[]): boolean {
  return list.some((x) => x.length === b.length && x.every((v, i) => v === b[i]));
}

const sha256 = (b: Uint8Array) => new Uint8Array(createHash('sha256').update(b).digest());

/** A mutated bundle whose trailing SHA-256 is recomputed, so the fuzzing reaches the CBOR body. */
function rehash(b: Uint8Array): Uint8Array {
  if (b.length < 13 + 32) return b;
  const len = Math.max(0, b.length - 13 - 32);
  const out = b.slice();
  new DataView(out.buffer).setUint32(9, len, false);
  out.set(sha256(out.subarray(0, 13 + len)), 13 + len);
  return out;
}

const AIR_SOURCES = ['N0AAA', 'N0BBB', 'N0AAA-1', 'W1XYZ', 'EVIL', 'RSYNC'];

export function makeTargets(corpus: Corpus): FuzzTarget[] {
  const t: FuzzTarget[] = [];

  // ---- KISS: one long-lived decoder fed a stream of chunks, plus a fresh one per input
  {
    const stream = new KissDecoder();
    const tally: Record<string, number> = { frames: 0 };
    t.push({
      name: 'kiss',
      fullCount: 250_000,
      tally,
      gen: (rng) => nextInput(rng, corpus.kiss),
      run(input) {
        for (const d of [stream, new KissDecoder({ maxFrameBytes: 512 })]) {
          const max = d === stream ? MAX_KISS_FRAME_BYTES : 512;
          const frames = d.push(input);
          for (const f of frames) {
            if (f.data.length > max) throw new FuzzFailure('kiss', `frame of ${f.data.length} bytes passed maxFrameBytes ${max}`, input);
            if (!(f.port >= 0 && f.port <= 15)) throw new FuzzFailure('kiss', `port ${f.port}`, input);
          }
          tally.frames! += frames.length;
        }
      },
      finish() {
        tally.garbageBytes = stream.stats.garbageBytes;
        tally.oversized = stream.stats.oversized;
      },
    });
  }

  // ---- AX.25
  {
    const tally: Record<string, number> = { ok: 0 };
    t.push({
      name: 'ax25',
      fullCount: 250_000,
      tally,
      gen: (rng) => nextInput(rng, corpus.ax25),
      run(input) {
        for (const fcs of [false, true]) {
          const r = decodeAx25(input, { fcs });
          if (r.ok) {
            tally.ok!++;
            if (!(r.frame.info instanceof Uint8Array)) throw new FuzzFailure('ax25', 'info is not bytes', input);
            // a decoded frame re-encodes (its addresses are valid callsigns)
            encodeUiFrame(r.frame);
          } else if (!isRadiosyncError(r.error)) throw new FuzzFailure('ax25', 'untyped error result', input);
          else tally[r.error.code] = (tally[r.error.code] ?? 0) + 1;
        }
      },
    });
  }

  // ---- radiosync link frames
  {
    const tally: Record<string, number> = { ok: 0 };
    t.push({
      name: 'linkFrame',
      fullCount: 300_000,
      tally,
      gen: (rng) => nextInput(rng, corpus.linkFrames),
      run(input) {
        const r = decodeFrame(input);
        if (r.ok) tally.ok!++;
        else if (!isRadiosyncError(r.error)) throw new FuzzFailure('linkFrame', 'untyped error result', input);
        else tally[r.error.code] = (tally[r.error.code] ?? 0) + 1;
      },
    });
  }

  // ---- changeset codec: mutate the compressed bytes, or the CBOR under a valid deflate
  {
    const tally: Record<string, number> = { ok: 0 };
    const header = (CHANGESET_FORMAT_VERSION << 4) | BODY_DEFLATE;
    t.push({
      name: 'changeset',
      fullCount: 50_000,
      tally,
      gen(rng) {
        if (rng.chance(0.5)) return nextInput(rng, corpus.changesets);
        const cbor = mutate(rng, corpus.changesetCbor[rng.int(corpus.changesetCbor.length)]!, corpus.changesetCbor);
        const body = deflateSync(cbor, { level: 1 });
        const out = new Uint8Array(body.length + 1);
        out[0] = header;
        out.set(body, 1);
        return out;
      },
      run(input) {
        try {
          decodeChangeset(input, { maxInflatedBytes: 1 << 20, maxRows: 10_000 });
          tally.ok!++;
        } catch (e) {
          typedOnly('changeset', input, e, tally);
        }
      },
    });
  }

  // ---- signed envelope: only a genuine envelope opens
  {
    const tally: Record<string, number> = { ok: 0 };
    const key = corpus.sender.keys.signPublic;
    t.push({
      name: 'envelope',
      fullCount: 60_000,
      tally,
      gen: (rng) => nextInput(rng, corpus.envelopes),
      run(input) {
        try {
          openEnvelope(input, (s) => (s === 'N0AAA' ? key : undefined));
        } catch (e) {
          typedOnly('envelope', input, e, tally);
          return;
        }
        if (!equalsAny(input, corpus.genuineEnvelopes)) throw new FuzzFailure('envelope', 'a changed envelope verified (forgery accepted)', input);
        tally.ok!++;
      },
    });
  }

  // ---- receipts (bundle acknowledgements)
  {
    const tally: Record<string, number> = { ok: 0 };
    t.push({
      name: 'receipt',
      fullCount: 60_000,
      tally,
      gen: (rng) => nextInput(rng, corpus.receipts),
      run(input) {
        try {
          openReceipt(corpus.receiver, input);
        } catch (e) {
          typedOnly('receipt', input, e, tally);
          return;
        }
        if (!equalsAny(input, corpus.genuineReceipts)) throw new FuzzFailure('receipt', 'a changed receipt verified (forgery accepted)', input);
        tally.ok!++;
      },
    });
  }

  // ---- bundle codec (half the inputs with a recomputed checksum, to reach the body)
  {
    const tally: Record<string, number> = { ok: 0 };
    t.push({
      name: 'bundle',
      fullCount: 60_000,
      tally,
      gen: (rng) => {
        const b = nextInput(rng, corpus.bundles);
        return rng.chance(0.5) ? rehash(b) : b;
      },
      run(input) {
        try {
          decodeBundle(input);
          tally.ok!++;
        } catch (e) {
          typedOnly('bundle', input, e, tally);
        }
      },
    });
  }

  // ---- bundle import into the real station: typed errors only, and no state change (harness)
  {
    const tally: Record<string, number> = { imported: 0 };
    t.push({
      name: 'bundleImport',
      fullCount: 20_000,
      tally,
      gen: (rng) => rehash(nextInput(rng, corpus.bundles)),
      run(input) {
        try {
          importBundleRecords(corpus.receiver, input);
          tally.imported!++;
        } catch (e) {
          typedOnly('bundleImport', input, e, tally);
        }
      },
    });
  }

  // ---- the whole receive path: KISS bytes → KissDecoder → AX.25 → StationRuntime (real station)
  t.push(receivePathTarget(corpus));
  return t;
}

/** Virtual ms between two inputs on the receive path (timers of the link fire in between). */
export const RECEIVE_PATH_STEP_MS = 40;

function receivePathTarget(corpus: Corpus): FuzzTarget {
  const clock = corpus.rig.clock;
  const listeners = new Set<(f: Uint8Array) => void>();
  let sent = 0;
  const port: FramePort = {
    send: () => void sent++,
    onFrame: (l) => {
      listeners.add(l);
      return () => listeners.delete(l);
    },
  };
  const rt = new StationRuntime({ station: corpus.receiver, port, bitrate: 9600, clock });
  // An outbound transfer of its own to N0AAA: forged or mutated acks must never complete it.
  const outId = rt.link.enqueue({ to: ['N0AAA'], payload: corpus.genuineEnvelopes[1]! });
  const kiss = new KissDecoder();
  const tally: Record<string, number> = { kissFrames: 0, errors: 0 };
  const rng = new Prng('receive-path-wrap');
  return {
    name: 'receivePath',
    fullCount: 100_000,
    tally,
    gen(r) {
      // mutate at one layer: the link frame (re-wrapped), the AX.25 frame, or the KISS bytes
      const layer = r.int(3);
      if (layer === 0) {
        const info = nextInput(r, corpus.linkFrames);
        const from = AIR_SOURCES[r.int(AIR_SOURCES.length)]!;
        const to = r.chance(0.8) ? 'N0BBB' : 'RSYNC';
        const ax = encodeUiFrame({ destination: parseCallsign(to), source: parseCallsign(from), digipeaters: [], command: true, pid: PID_NO_L3, info: info.subarray(0, 2048) });
        return encodeKiss({ port: 0, command: KissCommand.Data, data: ax });
      }
      if (layer === 1) return encodeKiss({ port: 0, command: KissCommand.Data, data: nextInput(r, corpus.ax25) });
      return r.chance(0.1) ? randomBytes(r) : nextInput(r, corpus.kiss);
    },
    run(input) {
      // split the stream at a random point, as a serial port would
      const cut = rng.int(input.length + 1);
      for (const chunk of [input.subarray(0, cut), input.subarray(cut)]) {
        for (const f of kiss.push(chunk)) {
          if (f.command !== KissCommand.Data) continue;
          tally.kissFrames!++;
          for (const l of listeners) l(f.data);
        }
      }
      clock.advance(RECEIVE_PATH_STEP_MS);
    },
    finish() {
      Object.assign(tally, {
        foreign: rt.counters.foreignFrames,
        untrusted: rt.counters.untrustedFrames,
        notForUs: rt.link.stats.notForUs,
        applied: rt.counters.changesetsApplied,
        refused: rt.counters.changesetsRefused,
        authFailures: rt.link.stats.authFailures,
        badFrames: rt.link.stats.badFrames,
        framesSent: sent,
      });
      const out = rt.link.pendingOutbound().find((p) => p.id === outId);
      rt.close();
      if (!out || !out.pending.includes('N0AAA')) throw new FuzzFailure('receivePath', `its own outbound transfer ${outId} left the queue: a forged ack completed it`);
      const b = rt.link.bufferState;
      tally.inboundHeld = b.inbound;
      tally.shardsHeld = b.shards;
    },
  };
}
