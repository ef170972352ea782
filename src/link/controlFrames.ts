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
 * ```
 */
import type { RadiosyncError } from '../errors/RadiosyncError.js';
import { FrameType, headerByte, linkError, type HeaderByte } from './frameHeader.js';

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
}

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

export function encodeCancelFrame(f: Omit<CancelFrame, 'type'>): Uint8Array {
  return Uint8Array.of(headerByte(FrameType.Cancel, { eob: f.eob }), f.transferId >> 8, f.transferId & 0xff, f.reason);
}

export function decodeCancelFrame(bytes: Uint8Array, h: HeaderByte): { ok: true; frame: CancelFrame } | { ok: false; error: RadiosyncError } {
  if (h.typeFlag || h.auth) return { ok: false, error: linkError('RS_ERR_LINK_FIELD', 'CANCEL: flags set') };
  if (bytes.length !== 4) return { ok: false, error: linkError(bytes.length < 4 ? 'RS_ERR_LINK_TRUNCATED' : 'RS_ERR_LINK_FIELD', `CANCEL of ${bytes.length} bytes`) };
  return { ok: true, frame: { type: FrameType.Cancel, eob: h.eob, transferId: (bytes[1]! << 8) | bytes[2]!, reason: bytes[3]! } };
}
