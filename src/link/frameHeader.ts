/**
 * The radiosync frame: what rides in the info field of one AX.25 UI frame. Every frame starts with
 * one header byte, then a 16-bit transfer id (except HELLO):
 *
 * ```
 *   byte 0                          bytes 1–2
 *   +-----+-----+-----------------+ +-------------------------------+
 *   | 7 6 | 5 4 3 |   2    1   0  | | transfer id (u16, big-endian) |
 *   | ver | type  | TYP   AUTH EOB| +-------------------------------+
 *   +-----+-------+---------------+
 *   ver  : protocol version, 1 (LINK_VERSION); other versions are dropped (RS_ERR_LINK_VERSION)
 *   type : 0 DATA, 1 ANNOUNCE, 2 ACK, 3 HELLO, 4 CANCEL, 5–7 reserved (RS_ERR_LINK_FRAME_TYPE)
 *   EOB  : end of burst — the sender's last frame of this transmission; the listener may answer
 *   AUTH : 8-byte authentication tag(s) (AUTH_TAG_BYTES) trail the frame, over every byte before them
 *          (ACK: one; ANNOUNCE and CANCEL: one per receiver; never on DATA or HELLO)
 *   TYP  : type-specific (ANNOUNCE: GROUP); must be 0 otherwise
 * ```
 *
 * DATA (one erasure-coded shard; 7 bytes of header for blocks 0..127, 8 up to 16383):
 * ```
 *   0      header byte (type 0)
 *   1–2    transfer id
 *   3      burst number, low 8 bits (the burst this frame belongs to; see BURST NUMBERS below)
 *   4..    block index, LEB128 varint (1–3 bytes, < MAX_BLOCKS_PER_TRANSFER)
 *   +0     shard index (u8): 0..k−1 data, k.. parity
 *   +1     k (u8, 1..255): data shards of this block (the block's geometry; shard size = the rest)
 *   +2..   shard bytes (the same length in every DATA frame of a transfer)
 * ```
 * Carrying k in every frame lets a receiver that missed the ANNOUNCE still rebuild blocks; the
 * announce is only needed for the total length and the hash, at the end.
 *
 * The transfer id names a transfer together with the AX.25 source address, so 16 bits suffice.
 *
 * BURST NUMBERS. The sender numbers the bursts of each transfer 0, 1, 2, … (a poll is a burst too),
 * modulo 2^16. ANNOUNCE (and so every poll) carries the whole number, DATA its low 8 bits, and every
 * ACK names the highest burst number the receiver has heard for the transfer. The sender decides
 * what an ack means from that number alone, never from when it arrived: an ack naming burst b
 * reports what the receiver held after hearing burst b. Timing only decides *when* to transmit.
 */
import type { RadiosyncError } from '../errors/RadiosyncError.js';
import { linkError } from './errors.js';
import { readVarint, varintLength, writeVarint } from '../util/varint.js';

/** The protocol version this code speaks (2 bits on air). */
export const LINK_VERSION = 2;

export const FrameType = { Data: 0, Announce: 1, Ack: 2, Hello: 3, Cancel: 4 } as const;
export type FrameTypeValue = (typeof FrameType)[keyof typeof FrameType];

export const FLAG_EOB = 0x01;
export const FLAG_AUTH = 0x02;
/** Type-specific flag bit (ANNOUNCE: the transfer goes to a group). */
export const FLAG_TYPE_SPECIFIC = 0x04;

/** Length of the authentication tag when FLAG_AUTH is set (an 8-byte truncated HMAC, as in src/auth). */
export const AUTH_TAG_BYTES = 8;
/** Block indices fit a 3-byte varint: 2^21 blocks (far beyond MAX_TRANSFER_BYTES / smallest block). */
export const MAX_BLOCKS_PER_TRANSFER = 1 << 21;
/** Bytes of a DATA header with a 1-byte block index (header, id, burst, block, shard, k). */
export const DATA_HEADER_MIN_BYTES = 7;
/** Burst numbers are counted modulo 2^16 (ANNOUNCE and ACK carry 16 bits, DATA the low 8). */
export const BURST_MODULUS = 0x10000;

export interface HeaderByte {
  version: number;
  type: number;
  eob: boolean;
  auth: boolean;
  typeFlag: boolean;
}

export function headerByte(type: FrameTypeValue, flags: { eob?: boolean; auth?: boolean; typeFlag?: boolean } = {}): number {
  return (LINK_VERSION << 6) | (type << 3) | (flags.typeFlag ? FLAG_TYPE_SPECIFIC : 0) | (flags.auth ? FLAG_AUTH : 0) | (flags.eob ? FLAG_EOB : 0);
}

export function parseHeaderByte(b: number): HeaderByte {
  return { version: b >> 6, type: (b >> 3) & 0x07, eob: (b & FLAG_EOB) !== 0, auth: (b & FLAG_AUTH) !== 0, typeFlag: (b & FLAG_TYPE_SPECIFIC) !== 0 };
}

export interface DataFrame {
  type: typeof FrameType.Data;
  eob: boolean;
  transferId: number;
  /** Low 8 bits of the burst number. */
  burst: number;
  block: number;
  shard: number;
  k: number;
  payload: Uint8Array;
}

/** Header bytes of a DATA frame for this block index. */
export function dataHeaderLength(block: number): number {
  return 6 + varintLength(block);
}

export function encodeDataFrame(f: Omit<DataFrame, 'type'>): Uint8Array {
  const out = new Uint8Array(dataHeaderLength(f.block) + f.payload.length);
  out[0] = headerByte(FrameType.Data, { eob: f.eob });
  out[1] = f.transferId >> 8;
  out[2] = f.transferId & 0xff;
  out[3] = f.burst & 0xff;
  let o = writeVarint(out, 4, f.block);
  out[o++] = f.shard;
  out[o++] = f.k;
  out.set(f.payload, o);
  return out;
}

/** Decode the body of a DATA frame (header byte already parsed). The payload is a view, not a copy. */
export function decodeDataFrame(bytes: Uint8Array, h: HeaderByte): { ok: true; frame: DataFrame } | { ok: false; error: RadiosyncError } {
  if (bytes.length < DATA_HEADER_MIN_BYTES) return { ok: false, error: linkError('RS_ERR_LINK_TRUNCATED', `DATA frame of ${bytes.length} bytes`, { length: bytes.length }) };
  if (h.typeFlag || h.auth) return { ok: false, error: linkError('RS_ERR_LINK_FIELD', 'DATA frames carry no type flag or tag') };
  const transferId = (bytes[1]! << 8) | bytes[2]!;
  const burst = bytes[3]!;
  const v = readVarint(bytes, 4, 3);
  if (!v) return { ok: false, error: linkError('RS_ERR_LINK_FIELD', 'bad block index varint') };
  if (v.next + 2 > bytes.length) return { ok: false, error: linkError('RS_ERR_LINK_TRUNCATED', 'DATA frame ends inside its header') };
  const shard = bytes[v.next]!;
  const k = bytes[v.next + 1]!;
  if (k === 0) return { ok: false, error: linkError('RS_ERR_LINK_FIELD', 'k = 0') };
  const payload = bytes.subarray(v.next + 2);
  if (payload.length === 0) return { ok: false, error: linkError('RS_ERR_LINK_TRUNCATED', 'DATA frame without shard bytes') };
  return { ok: true, frame: { type: FrameType.Data, eob: h.eob, transferId, burst, block: v.value, shard, k, payload } };
}
