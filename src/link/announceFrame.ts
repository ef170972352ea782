/**
 * ANNOUNCE: what a receiver needs besides the shards — total length, geometry and hash — and, for a
 * group, who the receivers are (their order is their ack slot). It opens a burst until the receiver
 * has acknowledged it (unicast) or opens every burst (group); alone with EOB set it is a POLL that
 * asks every pending receiver for an ack without sending data.
 *
 * ```
 *   0      header byte (type 1; TYP flag = GROUP)
 *   1–2    transfer id (u16 BE)
 *   3–4    burst number (u16 BE): the burst this announce opens, or the poll's own number
 *   5..    payload size in bytes, LEB128 (1–4 bytes, ≤ MAX_TRANSFER_BYTES)
 *   +0–1   shard size (u16 BE, 1..MAX_SHARD_BYTES)
 *   +2     k: data shards per block (u8, 1..255; the last block may have fewer)
 *   +3–10  payload hash: SHA-256 of the whole payload, first 8 bytes (PAYLOAD_HASH_BYTES)
 *   GROUP only:
 *   +11    n receivers (u8, 1..MAX_GROUP_RECEIVERS)
 *          n × [len u8 (1..MAX_STATION_NAME_BYTES), ASCII station name]   — slot i = position i
 *          ceil(n/8) bytes: pending bitmap, bit (i mod 8) of byte (i div 8) set = receiver i must ack
 *   AUTH only (header bit 1; set whenever the sender has an authenticator):
 *          unicast: one 8-byte tag (AUTH_TAG_BYTES) for the receiver;
 *          GROUP:   n × 8-byte tags, tag i for receiver i (slot order), every pending or not
 *          each tag = the pairwise tag ("FROM>TO" bound in, src/sync/pairwiseAuthenticator.ts) over
 *          every byte before the first tag; a receiver checks only its own
 * ```
 * With an authenticator a receiver creates or changes inbound state only on an ANNOUNCE whose tag
 * for it verifies (docs/protocol.md §2): a station that claims a trusted callsign without the
 * key cannot open, reset or redirect a transfer. Cost: 8 bytes per unicast announce (one per burst
 * until the receiver knows it), 8 bytes per receiver per group announce (one per burst).
 */
import type { RadiosyncError } from '../errors/RadiosyncError.js';
import { AUTH_TAG_BYTES, FrameType, headerByte, type HeaderByte } from './frameHeader.js';
import { linkError } from './errors.js';
import { readVarint, varintLength, writeVarint } from '../util/varint.js';

/** Truncated SHA-256 length: 64 bits make an undetected corrupt reassembly a 2^-64 event. */
export const PAYLOAD_HASH_BYTES = 8;
/** Largest transfer: 128 MiB (the issue asks for 100 MB); the size varint then takes ≤ 4 bytes. */
export const MAX_TRANSFER_BYTES = 128 * 1024 * 1024;
/** Largest shard: AX.25 info fields rarely exceed 256 bytes; 2048 covers Dire Wolf's maximum PACLEN. */
export const MAX_SHARD_BYTES = 2048;
/** Most receivers in one group transfer: bounds the announce (~11 bytes each) and the ack slots. */
export const MAX_GROUP_RECEIVERS = 16;
/** Longest station name in an announce ("N0CALL-15" is 9; room for tactical names). */
export const MAX_STATION_NAME_BYTES = 16;

export interface AnnounceFrame {
  type: typeof FrameType.Announce;
  eob: boolean;
  transferId: number;
  /** The burst number (16 bits) of the burst this announce opens or is (a poll). */
  burst: number;
  size: number;
  shardSize: number;
  k: number;
  hash: Uint8Array;
  /** Group transfers only: receivers in slot order, and which of them must still ack. */
  receivers?: string[];
  pending?: boolean[];
  /** Present when the frame carried FLAG_AUTH: one tag (unicast) or one per receiver (group, slot order). */
  tags?: Uint8Array[];
  /** The bytes the tags cover (everything before the first tag). */
  signed?: Uint8Array;
}

export type AnnounceFields = Omit<AnnounceFrame, 'type' | 'tags' | 'signed'>;

/**
 * Encode an announce; `sign` (if given) returns the tags over the preceding bytes: exactly one for
 * a unicast announce, one per receiver (in slot order) for a group announce.
 */
export function encodeAnnounceFrame(f: AnnounceFields, sign?: (bytes: Uint8Array) => Uint8Array[]): Uint8Array {
  const group = f.receivers !== undefined;
  const names = (f.receivers ?? []).map((r) => new TextEncoder().encode(r));
  let len = 5 + varintLength(f.size) + 3 + PAYLOAD_HASH_BYTES;
  if (group) len += 1 + names.reduce((a, n) => a + 1 + n.length, 0) + Math.ceil(names.length / 8);
  const tagCount = sign ? (group ? names.length : 1) : 0;
  const bodyLen = len;
  const out = new Uint8Array(len + tagCount * AUTH_TAG_BYTES);
  out[0] = headerByte(FrameType.Announce, { eob: f.eob, typeFlag: group, auth: sign !== undefined });
  out[1] = f.transferId >> 8;
  out[2] = f.transferId & 0xff;
  out[3] = (f.burst >> 8) & 0xff;
  out[4] = f.burst & 0xff;
  let o = writeVarint(out, 5, f.size);
  out[o++] = f.shardSize >> 8;
  out[o++] = f.shardSize & 0xff;
  out[o++] = f.k;
  out.set(f.hash.subarray(0, PAYLOAD_HASH_BYTES), o);
  o += PAYLOAD_HASH_BYTES;
  if (group) {
    out[o++] = names.length;
    for (const n of names) {
      out[o++] = n.length;
      out.set(n, o);
      o += n.length;
    }
    names.forEach((_, i) => {
      if (f.pending?.[i] ?? true) out[o + (i >> 3)]! |= 1 << (i & 7);
    });
  }
  if (sign) {
    const tags = sign(out.subarray(0, bodyLen));
    if (tags.length !== tagCount) throw linkError('RS_ERR_LINK_BAD_ARGUMENT', `ANNOUNCE needs ${tagCount} tags, got ${tags.length}`);
    tags.forEach((t, i) => out.set(t.subarray(0, AUTH_TAG_BYTES), bodyLen + i * AUTH_TAG_BYTES));
  }
  return out;
}

export function decodeAnnounceFrame(bytes: Uint8Array, h: HeaderByte): { ok: true; frame: AnnounceFrame } | { ok: false; error: RadiosyncError } {
  const bad = (code: 'RS_ERR_LINK_TRUNCATED' | 'RS_ERR_LINK_FIELD', msg: string) => ({ ok: false as const, error: linkError(code, `ANNOUNCE: ${msg}`) });
  if (bytes.length < 5) return bad('RS_ERR_LINK_TRUNCATED', 'no transfer id and burst number');
  const transferId = (bytes[1]! << 8) | bytes[2]!;
  const burst = (bytes[3]! << 8) | bytes[4]!;
  const v = readVarint(bytes, 5, 4);
  if (!v) return bad('RS_ERR_LINK_FIELD', 'bad size varint');
  if (v.value > MAX_TRANSFER_BYTES) return bad('RS_ERR_LINK_FIELD', `size ${v.value} above MAX_TRANSFER_BYTES`);
  let o = v.next;
  if (o + 3 + PAYLOAD_HASH_BYTES > bytes.length) return bad('RS_ERR_LINK_TRUNCATED', 'ends before the hash');
  const shardSize = (bytes[o]! << 8) | bytes[o + 1]!;
  const k = bytes[o + 2]!;
  if (shardSize === 0 || shardSize > MAX_SHARD_BYTES) return bad('RS_ERR_LINK_FIELD', `shard size ${shardSize}`);
  if (k === 0) return bad('RS_ERR_LINK_FIELD', 'k = 0');
  o += 3;
  const hash = bytes.slice(o, o + PAYLOAD_HASH_BYTES);
  o += PAYLOAD_HASH_BYTES;
  const frame: AnnounceFrame = { type: FrameType.Announce, eob: h.eob, transferId, burst, size: v.value, shardSize, k, hash };
  if (h.typeFlag) {
    const n = bytes[o++];
    if (n === undefined) return bad('RS_ERR_LINK_TRUNCATED', 'no receiver count');
    if (n === 0 || n > MAX_GROUP_RECEIVERS) return bad('RS_ERR_LINK_FIELD', `${n} receivers`);
    const receivers: string[] = [];
    for (let i = 0; i < n; i++) {
      const len = bytes[o++];
      if (len === undefined || o + len > bytes.length) return bad('RS_ERR_LINK_TRUNCATED', 'inside the receiver list');
      if (len === 0 || len > MAX_STATION_NAME_BYTES) return bad('RS_ERR_LINK_FIELD', `station name of ${len} bytes`);
      const name = bytes.subarray(o, o + len);
      if (name.some((c) => c < 0x21 || c > 0x7e)) return bad('RS_ERR_LINK_FIELD', 'station name is not printable ASCII');
      receivers.push(new TextDecoder().decode(name));
      o += len;
    }
    const mapBytes = Math.ceil(n / 8);
    if (o + mapBytes > bytes.length) return bad('RS_ERR_LINK_TRUNCATED', 'no pending bitmap');
    frame.receivers = receivers;
    frame.pending = receivers.map((_, i) => (bytes[o + (i >> 3)]! & (1 << (i & 7))) !== 0);
    o += mapBytes;
  }
  if (h.auth) {
    const tagCount = frame.receivers ? frame.receivers.length : 1;
    if (bytes.length - o < tagCount * AUTH_TAG_BYTES) return bad('RS_ERR_LINK_TRUNCATED', `fewer than ${tagCount} tags`);
    if (bytes.length - o > tagCount * AUTH_TAG_BYTES) return bad('RS_ERR_LINK_FIELD', `${bytes.length - o - tagCount * AUTH_TAG_BYTES} trailing bytes`);
    frame.signed = bytes.subarray(0, o);
    frame.tags = Array.from({ length: tagCount }, (_, i) => bytes.slice(o + i * AUTH_TAG_BYTES, o + (i + 1) * AUTH_TAG_BYTES));
    return { ok: true, frame };
  }
  if (o !== bytes.length) return bad('RS_ERR_LINK_FIELD', `${bytes.length - o} trailing bytes`);
  return { ok: true, frame };
}
