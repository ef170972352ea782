import { EXIT, type ErrorCatalog } from '../errors/RadiosyncError.js';

/** Error codes of the radio simulator (src/sim/) and the `radiosync sim` hub. */
export const SIM_ERRORS = {
  RS_ERR_SIM_BAD_OPTION: {
    exit: EXIT.USAGE,
    description: 'A simulator option is out of range or malformed (bit rate, loss model, outage, station name); fix the value named in the message.',
  },
  RS_ERR_SIM_STATION_EXISTS: {
    exit: EXIT.USAGE,
    description: 'Two stations on one simulated channel have the same name; give each a unique name.',
  },
  RS_ERR_SIM_FRAME_TOO_LARGE: {
    exit: EXIT.DATA,
    description: 'A frame handed to the simulated radio is empty or longer than MAX_SIM_FRAME_BYTES; it was not sent.',
  },
  RS_ERR_SIM_CLOSED: {
    exit: EXIT.UNAVAILABLE,
    description: 'A frame was sent through a simulated radio after it left the channel (close()); attach a new station.',
  },
  RS_ERR_SIM_PORT_IN_USE: {
    exit: EXIT.TEMPFAIL,
    description: 'The sim hub could not listen on a station\'s KISS TCP port (already in use?); choose another --base-port.',
  },
  RS_ERR_SIM_PTY_FAILED: {
    exit: EXIT.UNAVAILABLE,
    description: 'The sim hub could not create a station\'s pseudo-terminal with socat; check that socat is installed and the pty directory is writable.',
  },
} as const satisfies ErrorCatalog;

export type SimErrorCode = keyof typeof SIM_ERRORS;
