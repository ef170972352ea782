/** Error codes of the KISS TNC driver (src/tnc/). */
import { EXIT, type ErrorCatalog } from '../errors/RadiosyncError.js';

export const TNC_ERRORS = {
  RS_ERR_TNC_BAD_OPTION: {
    exit: EXIT.CONFIG,
    description:
      'A TNC option is out of range (KISS port 0-15, TXDELAY/slot time/TXtail 0-2550 ms, persistence 0-255, init strings without control characters); fix the value named in the message.',
  },
  RS_ERR_TNC_FRAME_SIZE: {
    exit: EXIT.SOFTWARE,
    description: 'A frame handed to the TNC is empty or longer than MAX_AX25_FRAME_BYTES; it was not sent (a bug in the caller).',
  },
} as const satisfies ErrorCatalog;

export type TncErrorCode = keyof typeof TNC_ERRORS;
