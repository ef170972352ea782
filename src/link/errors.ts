/** Error codes of the link layer (src/link): frame decoding and transfer outcomes. */
import { EXIT, makeError, type ErrorCatalog, type RadiosyncError } from '../errors/RadiosyncError.js';

export const LINK_ERRORS = {
  RS_ERR_LINK_TRUNCATED: { exit: EXIT.DATA, description: 'A radiosync frame ended before its fixed fields did; the frame is dropped and counted.' },
  RS_ERR_LINK_VERSION: { exit: EXIT.DATA, description: 'A radiosync frame carries a protocol version this station does not speak; the frame is dropped and counted.' },
  RS_ERR_LINK_FRAME_TYPE: { exit: EXIT.DATA, description: 'A radiosync frame has an unknown frame type; the frame is dropped and counted.' },
  RS_ERR_LINK_FIELD: { exit: EXIT.DATA, description: 'A radiosync frame field is out of range (varint too long, k = 0, shard index beyond 255, bad lengths); the frame is dropped and counted.' },
  RS_ERR_LINK_AUTH: { exit: EXIT.DATA, description: 'An acknowledgement failed authentication (missing or wrong tag); it is ignored.' },
  RS_ERR_LINK_HASH_MISMATCH: { exit: EXIT.DATA, description: 'A reassembled transfer does not match its announced hash; the receiver discards it and the sender is told.' },
  RS_ERR_LINK_TOO_LARGE: { exit: EXIT.USAGE, description: 'A payload or receipt exceeds its documented bound (MAX_TRANSFER_BYTES, MAX_RECEIPT_BYTES).' },
  RS_ERR_LINK_BAD_ARGUMENT: { exit: EXIT.USAGE, description: 'A Link or transfer option is invalid (named in the message).' },
  RS_ERR_LINK_QUEUE_FULL: { exit: EXIT.TEMPFAIL, description: 'The transfer queue holds its maximum number of transfers; try again after some are delivered or expire.' },
  RS_ERR_LINK_EXPIRED: { exit: EXIT.INCOMPLETE, description: 'A transfer expired before every receiver acknowledged it; it was dropped from the queue.' },
  RS_ERR_LINK_GAVE_UP: { exit: EXIT.INCOMPLETE, description: 'A transfer got no acknowledgement after the retry limit; it stays queued and is retried later.' },
  RS_ERR_LINK_REJECTED: { exit: EXIT.INCOMPLETE, description: 'A receiver refused a transfer (too large for its bounds); it is dropped for that receiver.' },
} as const satisfies ErrorCatalog;

export type LinkErrorCode = keyof typeof LINK_ERRORS;

/** A link-layer error with its stable code. */
export function linkError(code: LinkErrorCode, message: string, data: Record<string, unknown> = {}): RadiosyncError {
  return makeError(LINK_ERRORS, code, message, data);
}
