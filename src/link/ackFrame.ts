/**
 * ACK: the one compact answer a receiver sends per burst (per transfer it heard in that burst).
 *
 * ```
 *   0      header byte (type 2; AUTH flag = a tag trails)
 *   1–2    transfer id (u16 BE)
 *   3      status bits: 0 KNOWN (has the announce)   1 COMPLETE (reassembled, hash verified)
 *                       2 HASH_MISMATCH (reassembled, hash wrong: state discarded)
 *                       3 RECEIPT (a receipt follows)   4 REJECTED (refused: over a bound)
 *                       5 BURST8: only the low 8 bits of `burst` are known (the receiver has heard
 *                         DATA of this transfer but no ANNOUNCE since it created or reloaded it)
 *                       6 LAST: the block and shard of the last DATA frame heard follow
 *                       7 zero
 *   4      heard: frames of this transfer heard since this receiver's previous ack (u8, saturating)
 *   5–6    burst (u16 BE): the highest burst number of this transfer the receiver has heard. The
 *          ack reports the receiver's state after that burst; this number, never the ack's arrival
 *          time, tells the sender which burst the ack answers (an ack can wait in a TNC behind the
 *          sender's next burst, or arrive twice, late, or out of order)
 *   LAST only: block (LEB128, 1–3 bytes) + shard index (u8) of the last DATA frame heard, in burst
 *          `burst`: the ack reports the receiver's state after that frame (an ack sent before the
 *          burst ended, because the receiver's quiet timer ran out during a run of lost frames,
 *          is placed inside its burst, not at its end)
 *   ..     base: LEB128 block index; every block below it is complete (1–3 bytes)
 *   +0     n (u8, ≤ MAX_ACK_ENTRIES): entries that follow
 *   +1..   n × need (u8) for blocks base … base+n−1: 0 = complete, 1..254 = shards still needed,
 *          255 = 255 or more. Blocks from base+n on are not reported (treated as "need k").
 *   RECEIPT only: len (u8, ≤ MAX_RECEIPT_BYTES) + receipt bytes (opaque, from the application)
 *   AUTH only:    8-byte tag over every byte before it
 * ```
 * A typical ack mid-transfer is 9–14 bytes; "transfer complete" is 9 bytes plus the receipt.
 * KNOWN with n = 0 and base = 0 and not COMPLETE: the receiver knows the transfer but holds no
 * block yet (it heard the announce, or only lost DATA).
 */
import type { RadiosyncError } from '../errors/RadiosyncError.js';
import { AUTH_TAG_BYTES, FrameType, headerByte, type HeaderByte } from './frameHeader.js';
import { linkError } from './errors.js';
import { readVarint, varintLength, writeVarint } from '../util/varint.js';

/** Most per-block entries in one ack: equal to the largest sender window (MAX_WINDOW_BLOCKS). */
export const MAX_ACK_ENTRIES = 64;
/**
 * Largest receipt the final ack carries: 64 bytes, enough for a compact version vector of a few
 * stations (the sync layer's use) while keeping the final ack under one second at 1200 bit/s.
 */
export const MAX_RECEIPT_BYTES = 64;
/** The need value meaning "255 or more shards". */
export const NEED_SATURATED = 255;

export const AckStatus = { Known: 0x01, Complete: 0x02, HashMismatch: 0x04, Receipt: 0x08, Rejected: 0x10, Burst8: 0x20, Last: 0x40 } as const;
/** Status bits that must be zero. */
const ACK_STATUS_RESERVED = 0x80;
/** Fewest bytes of an ACK without tag: header, id, status, heard, burst, base, n. */
export const ACK_MIN_BYTES = 9;

export interface AckFrame {
  type: typeof FrameType.Ack;
  eob: boolean;
  transferId: number;
  known: boolean;
  complete: boolean;
  hashMismatch: boolean;
  rejected: boolean;
  heard: number;
  /** The highest burst number (16 bits) of this transfer the receiver has heard. */
  burst: number;
  /** Only the low 8 bits of `burst` are known (BURST8); omitted = false. */
  burst8?: boolean;
  /** The last DATA frame heard (in burst `burst`), when any. */
  last?: { block: number; shard: number };
  base: number;
  needs: number[];
  receipt?: Uint8Array;
  /** Present when the frame carried FLAG_AUTH. */
  tag?: Uint8Array;
  /** The bytes the tag covers (everything before it). */
  signed?: Uint8Array;
}

export type AckFields = Omit<AckFrame, 'type' | 'tag' | 'signed'>;

/** Encode an ack; `sign` (if given) returns the 8-byte tag over the preceding bytes. */
export function encodeAckFrame(f: AckFields, sign?: (bytes: Uint8Array) => Uint8Array): Uint8Array {
  const needs = f.needs.slice(0, MAX_ACK_ENTRIES);
  const receipt = f.receipt;
  const bodyLen = 7 + (f.last ? varintLength(f.last.block) + 1 : 0) + varintLength(f.base) + 1 + needs.length + (receipt ? 1 + receipt.length : 0);
  const out = new Uint8Array(bodyLen + (sign ? AUTH_TAG_BYTES : 0));
  out[0] = headerByte(FrameType.Ack, { eob: f.eob, auth: sign !== undefined });
  out[1] = f.transferId >> 8;
  out[2] = f.transferId & 0xff;
  out[3] =
    (f.known ? AckStatus.Known : 0) |
    (f.complete ? AckStatus.Complete : 0) |
    (f.hashMismatch ? AckStatus.HashMismatch : 0) |
    (receipt ? AckStatus.Receipt : 0) |
    (f.rejected ? AckStatus.Rejected : 0) |
    (f.burst8 ? AckStatus.Burst8 : 0) |
    (f.last ? AckStatus.Last : 0);
  out[4] = Math.min(255, f.heard);
  out[5] = (f.burst >> 8) & 0xff;
  out[6] = f.burst & 0xff;
  let o = 7;
  if (f.last) {
    o = writeVarint(out, o, f.last.block);
    out[o++] = f.last.shard;
  }
  o = writeVarint(out, o, f.base);
  out[o++] = needs.length;
  for (const n of needs) out[o++] = Math.min(NEED_SATURATED, n);
  if (receipt) {
    out[o++] = receipt.length;
    out.set(receipt, o);
    o += receipt.length;
  }
  if (sign) out.set(sign(out.subarray(0, bodyLen)).subarray(0, AUTH_TAG_BYTES), bodyLen);
  return out;
}

export function decodeAckFrame(bytes: Uint8Array, h: HeaderByte): { ok: true; frame: AckFrame } | { ok: false; error: RadiosyncError } {
  const bad = (code: 'RS_ERR_LINK_TRUNCATED' | 'RS_ERR_LINK_FIELD', msg: string) => ({ ok: false as const, error: linkError(code, `ACK: ${msg}`) });
  if (h.typeFlag) return bad('RS_ERR_LINK_FIELD', 'type flag set');
  const end = bytes.length - (h.auth ? AUTH_TAG_BYTES : 0);
  if (end < ACK_MIN_BYTES) return bad('RS_ERR_LINK_TRUNCATED', `${bytes.length} bytes`);
  const status = bytes[3]!;
  if (status & ACK_STATUS_RESERVED) return bad('RS_ERR_LINK_FIELD', 'reserved status bits set');
  let p = 7;
  let last: { block: number; shard: number } | undefined;
  if (status & AckStatus.Last) {
    const lb = readVarint(bytes, p, 3);
    if (!lb || lb.next >= end) return bad('RS_ERR_LINK_FIELD', 'bad last-frame field');
    last = { block: lb.value, shard: bytes[lb.next]! };
    p = lb.next + 1;
  }
  const v = readVarint(bytes, p, 3);
  if (!v || v.next >= end) return bad('RS_ERR_LINK_FIELD', 'bad base varint');
  let o = v.next;
  const n = bytes[o++]!;
  if (n > MAX_ACK_ENTRIES) return bad('RS_ERR_LINK_FIELD', `${n} entries`);
  if (o + n > end) return bad('RS_ERR_LINK_TRUNCATED', 'inside the entries');
  const needs = Array.from(bytes.subarray(o, o + n));
  o += n;
  const frame: AckFrame = {
    type: FrameType.Ack,
    eob: h.eob,
    transferId: (bytes[1]! << 8) | bytes[2]!,
    known: (status & AckStatus.Known) !== 0,
    complete: (status & AckStatus.Complete) !== 0,
    hashMismatch: (status & AckStatus.HashMismatch) !== 0,
    rejected: (status & AckStatus.Rejected) !== 0,
    heard: bytes[4]!,
    burst: (bytes[5]! << 8) | bytes[6]!,
    ...(status & AckStatus.Burst8 ? { burst8: true } : {}),
    ...(last ? { last } : {}),
    base: v.value,
    needs,
  };
  if (status & AckStatus.Receipt) {
    const len = bytes[o++];
    if (len === undefined || o > end) return bad('RS_ERR_LINK_TRUNCATED', 'no receipt length');
    if (len > MAX_RECEIPT_BYTES) return bad('RS_ERR_LINK_FIELD', `receipt of ${len} bytes`);
    if (o + len > end) return bad('RS_ERR_LINK_TRUNCATED', 'inside the receipt');
    frame.receipt = bytes.slice(o, o + len);
    o += len;
  }
  if (o !== end) return bad('RS_ERR_LINK_FIELD', `${end - o} trailing bytes`);
  if (h.auth) {
    frame.tag = bytes.slice(end);
    frame.signed = bytes.subarray(0, end);
  }
  return { ok: true, frame };
}
