/**
 * The whole wire pipeline as a property: payload → FEC blocks → radiosync frames → AX.25 UI →
 * KISS byte stream → random frames dropped, stream split anywhere → KISS decode → AX.25 decode →
 * radiosync decode → reassembly. The result is the identical payload (hash verified) when every
 * block kept ≥ k distinct shards, and otherwise a clear "not enough shards" outcome: the transfer
 * stays incomplete, its ack says exactly how many shards each short block still needs, and the
 * codec returns RS_ERR_FEC_UNRECOVERABLE for those blocks — never partial data.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { encodeKiss, KissDecoder } from '../../src/framing/kiss.js';
import { decodeAx25, encodeUiFrame, PID_NO_LAYER3 } from '../../src/framing/ax25.js';
import { parseCallsign } from '../../src/framing/callsign.js';
import { blockRange, planBlocks } from '../../src/fec/blockPlan.js';
import { reedSolomonCodec } from '../../src/fec/ReedSolomonCodec.js';
import { isRadiosyncError } from '../../src/errors/RadiosyncError.js';
import { encodeAnnounceFrame } from '../../src/link/announceFrame.js';
import { decodeFrame } from '../../src/link/decodeFrame.js';
import { encodeDataFrame, dataHeaderLength, FrameType } from '../../src/link/frameHeader.js';
import { InboundTransfer } from '../../src/link/InboundTransfer.js';
import { MemoryTransferQueue } from '../../src/link/MemoryTransferQueue.js';
import { bytesSource, readAll } from '../../src/link/PayloadSource.js';
import { payloadHash } from '../../src/link/payloadHash.js';
import { Prng } from '../../src/util/prng.js';

const codec = reedSolomonCodec();
const SRC = parseCallsign('N0AAA');
const DST = parseCallsign('N0BBB-3');

test('pipeline round-trip: identical payload, or "not enough shards" for exactly the short blocks', () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 0, max: 12_000 }),
      fc.integer({ min: 24, max: 256 }),
      fc.integer({ min: 1, max: 64 }),
      fc.integer({ min: 0, max: 8 }),
      fc.double({ min: 0, max: 0.5, noNaN: true }),
      fc.integer(),
      (size, frameBytes, maxK, parity, dropRate, seed) => {
        const rng = new Prng(seed);
        const payload = new Uint8Array(size).map(() => rng.int(256));
        const shardSize = frameBytes - dataHeaderLength(1 << 14);
        const plan = planBlocks(size, shardSize, maxK);
        const hash = payloadHash(bytesSource(payload));
        // sender: every block's data shards plus `parity` parity shards, then the announce
        const frames: Uint8Array[] = [];
        for (let b = 0; b < plan.blockCount; b++) {
          const r = blockRange(plan, b);
          const data = new Uint8Array(r.k * shardSize);
          data.set(payload.subarray(r.offset, r.offset + r.length));
          const p = Math.min(parity, codec.maxShards - r.k);
          const shards = [...Array.from({ length: r.k }, (_, i) => data.subarray(i * shardSize, (i + 1) * shardSize)), ...codec.encodeParity(data, r.k, shardSize, 0, p)];
          shards.forEach((s, i) => frames.push(encodeDataFrame({ burst: 0, eob: false, transferId: 77, block: b, shard: i, k: r.k, payload: s })));
        }
        frames.push(encodeAnnounceFrame({ burst: 0, eob: true, transferId: 77, size, shardSize, k: plan.k, hash }));
        // air: AX.25 UI + KISS; drop frames at random (never the announce, which the link repeats)
        const kept: Uint8Array[] = [];
        frames.forEach((f, i) => {
          if (i < frames.length - 1 && rng.chance(dropRate)) return;
          kept.push(encodeKiss({ port: 0, command: 0, data: encodeUiFrame({ destination: DST, source: SRC, digipeaters: [], command: true, pid: PID_NO_LAYER3, info: f }) }));
        });
        const stream = new Uint8Array(kept.reduce((a, k) => a + k.length, 0));
        let o = 0;
        for (const k of kept) {
          stream.set(k, o);
          o += k.length;
        }
        // receiver: the stream split at random points
        const queue = new MemoryTransferQueue();
        queue.putInbound({ from: 'N0AAA', id: 77, updatedAt: 0 });
        const it = new InboundTransfer({ from: 'N0AAA', id: 77, updatedAt: 0 }, queue, codec);
        const got = new Map<number, Set<number>>();
        const kiss = new KissDecoder();
        for (let pos = 0; pos < stream.length; ) {
          const n = 1 + rng.int(600);
          for (const kf of kiss.push(stream.subarray(pos, pos + n))) {
            const ax = decodeAx25(kf.data);
            assert.ok(ax.ok);
            const rf = decodeFrame(ax.frame.info);
            assert.ok(rf.ok);
            if (rf.frame.type === FrameType.Data) {
              it.onData(rf.frame, 1);
              const set = got.get(rf.frame.block) ?? new Set();
              set.add(rf.frame.shard);
              got.set(rf.frame.block, set);
            } else if (rf.frame.type === FrameType.Announce) it.onAnnounce(rf.frame, 1);
          }
          pos += n;
        }
        const short: number[] = [];
        for (let b = 0; b < plan.blockCount; b++) if ((got.get(b)?.size ?? 0) < blockRange(plan, b).k) short.push(b);
        const result = it.checkComplete();
        if (short.length === 0) {
          assert.equal(result, 'ok');
          assert.deepEqual(readAll(queue.inboundPayload('N0AAA', 77)), payload);
        } else {
          assert.equal(result, 'incomplete');
          const ack = it.buildAck();
          for (const b of short) {
            const need = blockRange(plan, b).k - (got.get(b)?.size ?? 0);
            const idx = b - ack.base;
            if (idx < ack.needs.length) assert.equal(ack.needs[idx], need, `block ${b} needs ${need}`);
            else assert.ok(got.get(b) === undefined, 'unlisted blocks are ones never heard');
            const r = codec.reconstruct(blockRange(plan, b).k, shardSize, [...(got.get(b) ?? [])].map((index) => ({ index, data: new Uint8Array(shardSize) })));
            assert.ok(!r.ok && isRadiosyncError(r.error, 'RS_ERR_FEC_UNRECOVERABLE'));
          }
          assert.equal(ack.base, short[0]);
        }
      },
    ),
    { seed: 42, numRuns: 150 },
  );
});
