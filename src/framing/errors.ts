/**
 * Error codes of the framing layer (KISS, AX.25, callsigns, FCS).
 *
 * Decoders never throw on bytes from the air: `decodeAx25` returns one of the `RS_ERR_AX25_*`
 * codes as a value, and the KISS decoder only counts garbage. The encoders and `parseCallsign`
 * throw these codes for bad arguments (a programming or configuration error, not air data).
 */
import { EXIT, type ErrorCatalog } from '../errors/RadiosyncError.js';

export const FRAMING_ERRORS = {
  RS_ERR_CALLSIGN_INVALID: {
    exit: EXIT.USAGE,
    description:
      'A callsign is not 1-6 letters or digits with an optional SSID 0-15 (e.g. N0CALL-7). Fix the callsign in the config or on the command line.',
  },
  RS_ERR_KISS_BAD_ARGUMENT: {
    exit: EXIT.SOFTWARE,
    description: 'A KISS frame to encode has a port outside 0-15, an unknown command or a parameter outside 0-255 (a bug in the caller).',
  },
  RS_ERR_AX25_BAD_ARGUMENT: {
    exit: EXIT.SOFTWARE,
    description: 'A UI frame to encode has more than 8 digipeaters, a PID outside 0-255 or an information field over the limit (a bug in the caller).',
  },
  RS_ERR_AX25_TRUNCATED: {
    exit: EXIT.DATA,
    description: 'A received AX.25 frame ends before its address field, control byte or PID. The frame is dropped.',
  },
  RS_ERR_AX25_TOO_LONG: {
    exit: EXIT.DATA,
    description: 'A received AX.25 frame is longer than MAX_AX25_FRAME_BYTES. The frame is dropped.',
  },
  RS_ERR_AX25_BAD_ADDRESS: {
    exit: EXIT.DATA,
    description:
      'A received AX.25 address field is malformed (bad callsign characters, a lone address, or more than 8 digipeaters). The frame is dropped.',
  },
  RS_ERR_AX25_NOT_UI: {
    exit: EXIT.DATA,
    description:
      'A received AX.25 frame is not a UI frame (I, S or another U frame): it belongs to another protocol on the channel and is counted as foreign, not an error.',
  },
  RS_ERR_AX25_BAD_FCS: {
    exit: EXIT.DATA,
    description: 'A received AX.25 frame failed its CRC-16/X.25 frame check sequence (only checked on links without a TNC). The frame is dropped.',
  },
} as const satisfies ErrorCatalog;

export type FramingErrorCode = keyof typeof FRAMING_ERRORS;
