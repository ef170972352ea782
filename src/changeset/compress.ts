/**
 * Raw DEFLATE (RFC 1951) via fflate, and a bounded inflate.
 *
 * Raw deflate, not zlib or gzip: their 2-byte header and 4-byte Adler-32 (or 18-byte gzip
 * framing) would be paid on every changeset, and integrity is already checked end to end by the
 * transfer's payload hash. fflate rejects a stream that ends before its final block; bytes after
 * the final block are ignored (fflate does not report them).
 */
import { Inflate, deflateSync } from 'fflate';
import { corrupt, tooLarge } from './fail.js';

/**
 * fflate level 9: the smallest output (its `mem` setting made no difference on changesets, and
 * fflate's automatic choice avoids allocating a 32 MiB table for a 100-byte changeset).
 */
export const DEFLATE_LEVEL = 9;

/**
 * DEFLATE's largest expansion: a 258-byte match coded in 2 bits is 1,032 output bytes per input
 * byte.
 */
export const MAX_DEFLATE_EXPANSION = 1032;

/**
 * Fewest compressed bytes handed to the inflater per step: 256. Each step is as large as the
 * remaining budget allows (budget / 1,032, so a step cannot overshoot it) but at least this,
 * and the cap is checked after every step: output never grows more than 256 × 1,032 ≈ 264 KiB
 * past the cap before decoding stops. Big steps keep ordinary payloads fast (each step costs
 * fflate a 32 KiB window copy).
 */
export const INFLATE_MIN_STEP_BYTES = 256;

export function deflate(data: Uint8Array): Uint8Array {
  return deflateSync(data, { level: DEFLATE_LEVEL });
}

/**
 * Level of the encoder's trials (which of two layouts of a column deflates smaller): 6, which
 * ranks layouts the same way as 9, faster.
 */
export const TRIAL_DEFLATE_LEVEL = 6;

/** Deflated length of `data` at the trial level: how the encoder compares candidate layouts. */
export function trialDeflatedLength(data: Uint8Array): number {
  return deflateSync(data, { level: TRIAL_DEFLATE_LEVEL }).length;
}

/** Inflate `data`, failing with RS_ERR_CHANGESET_TOO_LARGE once the output passes `maxBytes`. */
export function boundedInflate(data: Uint8Array, maxBytes: number): Uint8Array {
  const parts: Uint8Array[] = [];
  let total = 0;
  const inflater = new Inflate((chunk) => {
    total += chunk.length;
    if (total <= maxBytes) parts.push(chunk);
  });
  try {
    for (let off = 0; off < data.length; ) {
      const step = Math.max(INFLATE_MIN_STEP_BYTES, Math.floor((maxBytes - total) / MAX_DEFLATE_EXPANSION));
      const end = Math.min(off + step, data.length);
      inflater.push(data.subarray(off, end), end === data.length);
      if (total > maxBytes) throw tooLarge('maxInflatedBytes', maxBytes, total);
      off = end;
    }
    if (data.length === 0) inflater.push(data, true);
  } catch (e) {
    if (e instanceof Error && e.name === 'RadiosyncError') throw e;
    throw corrupt(`bad deflate stream: ${e instanceof Error ? e.message : String(e)}`);
  }
  const out = new Uint8Array(total);
  let off = 0;
  for (const p of parts) {
    out.set(p, off);
    off += p.length;
  }
  return out;
}
