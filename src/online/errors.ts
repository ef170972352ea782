/**
 * Error codes of the online transport (src/online/): the authenticated, encrypted stream between
 * stations over TCP or WebSocket (docs/protocol.md §7). Each description names what an operator
 * can do.
 */
import { EXIT, type ErrorCatalog } from '../errors/RadiosyncError.js';

export const ONLINE_ERRORS = {
  RS_ERR_ONLINE_UNREACHABLE: {
    exit: EXIT.UNAVAILABLE,
    description: 'The peer could not be reached online (connection refused, host not found, no route). Check HOST:PORT and that `radiosync serve` runs there; the daemon falls back to radio, then to a bundle.',
  },
  RS_ERR_ONLINE_LISTEN_FAILED: {
    exit: EXIT.UNAVAILABLE,
    description: '`serve` could not listen on the address (in use, or not an address of this machine). Choose another --listen HOST:PORT.',
  },
  RS_ERR_ONLINE_UNTRUSTED: {
    exit: EXIT.UNAVAILABLE,
    description: 'The other end named a callsign that is not a trusted peer here, and was refused before anything else was read. Add it with `radiosync peer add CALL --key KEY` if it should be trusted.',
  },
  RS_ERR_ONLINE_AUTH_FAILED: {
    exit: EXIT.DATA,
    description: 'The other end did not prove that it holds the station key of the callsign it named (a forged key or fingerprint, a replayed handshake, or a key changed since `peer add`). Nothing was read or applied.',
  },
  RS_ERR_ONLINE_WRONG_PEER: {
    exit: EXIT.DATA,
    description: 'The station at that address is not the one asked for with --with (another trusted station answered). Check the address.',
  },
  RS_ERR_ONLINE_BUSY: {
    exit: EXIT.TEMPFAIL,
    description: 'The server is already in a session with this station (or at its session limit); try again in a moment.',
  },
  RS_ERR_ONLINE_PROTOCOL: {
    exit: EXIT.DATA,
    description: 'The other end broke the online protocol (wrong magic or version, a malformed message, a record out of place). The session was closed; nothing partial was applied.',
  },
  RS_ERR_ONLINE_FRAME_TOO_LARGE: {
    exit: EXIT.DATA,
    description: 'A frame announced more bytes than the online protocol allows (512 B during the handshake, MAX_RECORD_BYTES after); the session was closed before reading it.',
  },
  RS_ERR_ONLINE_DECRYPT: {
    exit: EXIT.DATA,
    description: 'A record did not decrypt and authenticate (altered, replayed, reordered or injected in transit); the session was closed and the record not used.',
  },
  RS_ERR_ONLINE_STALLED: {
    exit: EXIT.TEMPFAIL,
    description: 'The other end sent nothing for longer than the stall timeout (handshake or mid-stream). Whatever was applied before stays applied; what was not acknowledged is sent again next time.',
  },
  RS_ERR_ONLINE_CLOSED: {
    exit: EXIT.TEMPFAIL,
    description: 'The connection closed before the session finished (cut mid-stream). Each changeset is applied whole or not at all; the next session resumes without resending what was acknowledged.',
  },
  RS_ERR_ONLINE_TIMEOUT: {
    exit: EXIT.INCOMPLETE,
    description: 'The online session reached its deadline (`sync --timeout`) before it finished and was cut. Each changeset is applied whole or not at all: what was applied stays, and the next session resumes without resending what was acknowledged.',
  },
  RS_ERR_ONLINE_ADDRESS_INVALID: {
    exit: EXIT.USAGE,
    description: 'An online address is malformed: use HOST:PORT (e.g. 192.0.2.7:7373, [::1]:7373) or ws://HOST:PORT/PATH.',
  },
} as const satisfies ErrorCatalog;

export type OnlineErrorCode = keyof typeof ONLINE_ERRORS;
