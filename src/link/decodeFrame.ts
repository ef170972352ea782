/**
 * Decode any radiosync frame (the AX.25 info field). Pure; never throws on any input; returns a
 * typed error for bad bytes (see the byte diagrams in frameHeader.ts, announceFrame.ts, ackFrame.ts,
 * controlFrames.ts).
 */
import type { RadiosyncError } from '../errors/RadiosyncError.js';
import { decodeAckFrame, type AckFrame } from './ackFrame.js';
import { decodeAnnounceFrame, type AnnounceFrame } from './announceFrame.js';
import { decodeCancelFrame, decodeHelloFrame, type CancelFrame, type HelloFrame } from './controlFrames.js';
import { FrameType, LINK_VERSION, decodeDataFrame, parseHeaderByte, type DataFrame } from './frameHeader.js';
import { linkError } from './errors.js';

export type LinkFrame = DataFrame | AnnounceFrame | AckFrame | HelloFrame | CancelFrame;
export type DecodeFrameResult = { ok: true; frame: LinkFrame } | { ok: false; error: RadiosyncError };

export function decodeFrame(bytes: Uint8Array): DecodeFrameResult {
  if (bytes.length === 0) return { ok: false, error: linkError('RS_ERR_LINK_TRUNCATED', 'empty frame') };
  const h = parseHeaderByte(bytes[0]!);
  if (h.version !== LINK_VERSION) return { ok: false, error: linkError('RS_ERR_LINK_VERSION', `version ${h.version}, expected ${LINK_VERSION}`, { version: h.version }) };
  switch (h.type) {
    case FrameType.Data:
      return decodeDataFrame(bytes, h);
    case FrameType.Announce:
      return decodeAnnounceFrame(bytes, h);
    case FrameType.Ack:
      return decodeAckFrame(bytes, h);
    case FrameType.Hello:
      return decodeHelloFrame(bytes, h);
    case FrameType.Cancel:
      return decodeCancelFrame(bytes, h);
    default:
      return { ok: false, error: linkError('RS_ERR_LINK_FRAME_TYPE', `frame type ${h.type}`, { type: h.type }) };
  }
}
