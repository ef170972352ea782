/**
 * Block planning: how a payload of any size is cut into FEC blocks.
 *
 * The payload is `totalShards = ceil(size / shardSize)` data shards (the last one zero-padded),
 * grouped into `blockCount = ceil(totalShards / maxK)` blocks of *balanced* size: every block has
 * `k = ceil(totalShards / blockCount)` data shards except the last, which has the remainder
 * (1 ≤ kLast ≤ k). Balanced blocks spread the FEC evenly (a 65-shard payload with maxK 64 becomes
 * 33 + 32, not 64 + 1). The geometry is a pure function of (size, shardSize, k), so a receiver that
 * knows those three derives every block's k and byte range; the real length of the last block is
 * `size − offset`.
 */
import { makeError } from '../errors/RadiosyncError.js';
import { FEC_ERRORS } from './errors.js';

/** Default most data shards per block: large blocks waste less redundancy; 64 leaves 192 parity indices. */
export const DEFAULT_MAX_DATA_SHARDS = 64;

export interface BlockPlan {
  size: number;
  shardSize: number;
  /** Data shards per block (all but possibly the last). */
  k: number;
  blockCount: number;
  totalShards: number;
}

export interface BlockRange {
  index: number;
  /** Data shards of this block. */
  k: number;
  /** Byte offset of the block in the payload. */
  offset: number;
  /** Real payload bytes in the block (≤ k·shardSize; the rest is zero padding). */
  length: number;
}

/** Plan a payload of `size` bytes (size 0 gives one 1-shard block of padding). */
export function planBlocks(size: number, shardSize: number, maxK: number = DEFAULT_MAX_DATA_SHARDS): BlockPlan {
  if (!Number.isSafeInteger(size) || size < 0) throw makeError(FEC_ERRORS, 'RS_ERR_FEC_GEOMETRY', `"size" must be a non-negative integer: ${size}`, { size });
  if (!Number.isInteger(shardSize) || shardSize < 1) throw makeError(FEC_ERRORS, 'RS_ERR_FEC_GEOMETRY', `"shardSize" must be a positive integer: ${shardSize}`, { shardSize });
  if (!Number.isInteger(maxK) || maxK < 1 || maxK > 255) throw makeError(FEC_ERRORS, 'RS_ERR_FEC_GEOMETRY', `"maxK" must be an integer in [1, 255]: ${maxK}`, { maxK });
  const totalShards = Math.max(1, Math.ceil(size / shardSize));
  const blockCount = Math.ceil(totalShards / maxK);
  const k = Math.ceil(totalShards / blockCount);
  return { size, shardSize, k, blockCount, totalShards };
}

/** The plan a receiver derives from an announced (size, shardSize, k). */
export function planFromGeometry(size: number, shardSize: number, k: number): BlockPlan {
  const totalShards = Math.max(1, Math.ceil(size / shardSize));
  const blockCount = Math.ceil(totalShards / k);
  return { size, shardSize, k, blockCount, totalShards };
}

export function blockRange(plan: BlockPlan, index: number): BlockRange {
  if (!Number.isInteger(index) || index < 0 || index >= plan.blockCount) {
    throw makeError(FEC_ERRORS, 'RS_ERR_FEC_GEOMETRY', `block ${index} is outside 0..${plan.blockCount - 1}`, { index, blockCount: plan.blockCount });
  }
  const firstShard = index * plan.k;
  const k = Math.min(plan.k, plan.totalShards - firstShard);
  const offset = firstShard * plan.shardSize;
  const length = Math.max(0, Math.min(k * plan.shardSize, plan.size - offset));
  return { index, k, offset, length };
}
