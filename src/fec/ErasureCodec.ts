/**
 * The erasure-coding seam. A block is `k` data shards of `shardSize` bytes each (the last block of a
 * payload is padded with zeros). Shard indices 0..k-1 are the data shards themselves (systematic
 * code); index k+j is parity shard j.
 *
 * Contract (test/fec/erasureCodec.compliance.ts runs against every implementation):
 * - **any k distinct shards rebuild the block**;
 * - **parity shard j does not depend on how many parity shards were asked for**, so a repair round
 *   can send *new* indices (k+m, k+m+1, …) and one parity shard repairs different losses at
 *   different receivers;
 * - shard indices are < {@link ErasureCodec.maxShards}.
 */
import type { RadiosyncError } from '../errors/RadiosyncError.js';

export interface Shard {
  /** 0..k-1 data, k.. parity. */
  index: number;
  data: Uint8Array;
}

export type ReconstructResult = { ok: true; data: Uint8Array } | { ok: false; error: RadiosyncError };

export interface ErasureCodec {
  /** Short name for logs and stats, e.g. `reed-solomon-gf256`. */
  readonly name: string;
  /** Most shards (data + parity) one block can have. */
  readonly maxShards: number;
  /**
   * Parity shards `first .. first+count-1` (shard indices k+first …) of a block whose data is
   * `data` (exactly k·shardSize bytes). Throws RS_ERR_FEC_GEOMETRY on bad geometry.
   */
  encodeParity(data: Uint8Array, k: number, shardSize: number, first: number, count: number): Uint8Array[];
  /**
   * Rebuild the k·shardSize data bytes of a block from any ≥ k distinct shards (duplicates and
   * extra shards are ignored). Returns RS_ERR_FEC_UNRECOVERABLE when fewer than k distinct shards
   * are given; never returns partial data.
   */
  reconstruct(k: number, shardSize: number, shards: readonly Shard[]): ReconstructResult;
}
