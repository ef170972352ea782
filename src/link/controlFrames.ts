/**
 * Control frames.
 *
 * HELLO (beacon: "I am here, I speak version 1"; bytes after the header are opaque to the link):
 * ```
 *   0      header byte (type 3; no transfer id)
 *   1..    application bytes (≤ MAX_HELLO_BYTES), e.g. a station's capabilities or version vector digest
 * ```
 * CANCEL (the sender dropped a transfer — expired or cancelled — so receivers free its state):
 * ```
 *   0      header byte (type 4)
 *   1–2    transfer id (u16 BE)
 *   3      reason (u8): 1 expired, 2 cancelled
 *   AUTH only (header bit 1): m × 8-byte tags over bytes 0–3, one per receiver of the transfer in
 *          the order its ANNOUNCE lists them (unicast: m = 1; group: m = n, 1..MAX_GROUP_RECEIVERS)
 * ```
 * With an authenticator a receiver frees a transfer's state only if its own tag verifies.
 */
import type { RadiosyncError } from '../errors/RadiosyncError.js';
import { MAX_GROUP_RECEIVERS } from './announceFrame.js';
import { AUTH_TAG_BYTES, FrameType, headerByte, type HeaderByte } from './frameHeader.js';
import { linkError } from './errors.js';

/** Largest HELLO body: one short frame's worth. */
export const MAX_HELLO_BYTES = 64;
export const CancelReason = { Expired: 1, Cancelled: 2 } as const;

export interface HelloFrame {
  type: typeof FrameType.Hello;
  eob: boolean;
  body: Uint8Array;
}

export interface CancelFrame {
  type: typeof FrameType.Cancel;
  eob: boolean;
  transferId: number;
  reason: number;
  /** Present when the frame carried FLAG_AUTH: one tag per receiver, in announce order. */
  tags?: Uint8Array[];
  /** The bytes the tags cover (the first 4). */
  signed?: Uint8Array;
}

/** Bytes of a CANCEL before its tags. */
export const CANCEL_BODY_BYTES = 4;

export function encodeHelloFrame(f: Omit<HelloFrame, 'type'>): Uint8Array {
  const out = new Uint8Array(1 + f.body.length);
  out[0] = headerByte(FrameType.Hello, { eob: f.eob });
  out.set(f.body, 1);
  return out;
}

export function decodeHelloFrame(bytes: Uint8Array, h: HeaderByte): { ok: true; frame: HelloFrame } | { ok: false; error: RadiosyncError } {
  if (h.typeFlag || h.auth) return { ok: false, error: linkError('RS_ERR_LINK_FIELD', 'HELLO: flags set') };
  if (bytes.length - 1 > MAX_HELLO_BYTES) return { ok: false, error: linkError('RS_ERR_LINK_FIELD', `HELLO body of ${bytes.length - 1} bytes`) };
  return { ok: true, frame: { type: FrameType.Hello, eob: h.eob, body: bytes.slice(1) } };
}

/** Encode a CANCEL; `sign` (if given) returns one tag per receiver (1..MAX_GROUP_RECEIVERS) over the 4 body bytes. */
export function encodeCancelFrame(f: Omit<CancelFrame, 'type' | 'tags' | 'signed'>, sign?: (bytes: Uint8Array) => Uint8Array[]): Uint8Array {
  const body = Uint8Array.of(headerByte(FrameType.Cancel, { eob: f.eob, auth: sign !== undefined }), f.transferId >> 8, f.transferId & 0xff, f.reason);
  if (!sign) return body;
  const tags = sign(body);
  if (tags.length < 1 || tags.length > MAX_GROUP_RECEIVERS) throw linkError('RS_ERR_LINK_BAD_ARGUMENT', `CANCEL needs 1–${MAX_GROUP_RECEIVERS} tags, got ${tags.length}`);
  const out = new Uint8Array(CANCEL_BODY_BYTES + tags.length * AUTH_TAG_BYTES);
  out.set(body);
  tags.forEach((t, i) => out.set(t.subarray(0, AUTH_TAG_BYTES), CANCEL_BODY_BYTES + i * AUTH_TAG_BYTES));
  return out;
}

export function decodeCancelFrame(bytes: Uint8Array, h: HeaderByte): { ok: true; frame: CancelFrame } | { ok: false; error: RadiosyncError } {
  if (h.typeFlag) return { ok: false, error: linkError('RS_ERR_LINK_FIELD', 'CANCEL: flags set') };
  if (bytes.length < CANCEL_BODY_BYTES) return { ok: false, error: linkError('RS_ERR_LINK_TRUNCATED', `CANCEL of ${bytes.length} bytes`) };
  const frame: CancelFrame = { type: FrameType.Cancel, eob: h.eob, transferId: (bytes[1]! << 8) | bytes[2]!, reason: bytes[3]! };
  const rest = bytes.length - CANCEL_BODY_BYTES;
  if (!h.auth) {
    if (rest !== 0) return { ok: false, error: linkError('RS_ERR_LINK_FIELD', `CANCEL of ${bytes.length} bytes`) };
    return { ok: true, frame };
  }
  const m = rest / AUTH_TAG_BYTES;
  if (!Number.isInteger(m) || m < 1 || m > MAX_GROUP_RECEIVERS) return { ok: false, error: linkError(rest < AUTH_TAG_BYTES ? 'RS_ERR_LINK_TRUNCATED' : 'RS_ERR_LINK_FIELD', `CANCEL with ${rest} tag bytes`) };
  frame.signed = bytes.subarray(0, CANCEL_BODY_BYTES);
  frame.tags = Array.from({ length: m }, (_, i) => bytes.slice(CANCEL_BODY_BYTES + i * AUTH_TAG_BYTES, CANCEL_BODY_BYTES + (i + 1) * AUTH_TAG_BYTES));
  return { ok: true, frame };
}
