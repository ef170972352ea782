import { EXIT, type ErrorCatalog } from '../errors/RadiosyncError.js';

/** Error codes of `radiosync demo`. */
export const DEMO_ERRORS = {
  RS_ERR_DEMO_DIR_TAKEN: {
    exit: EXIT.USAGE,
    description: 'The --dir given to `radiosync demo` exists and was not made by an earlier demo (it has no .radiosync-demo marker); nothing in it was touched. Choose another --dir.',
  },
  RS_ERR_DEMO_BAD_OPTION: {
    exit: EXIT.USAGE,
    description: 'A demo option is out of range: bitrate must be an integer from 300 to 9600, loss a probability in [0, 0.9]; data.option names it.',
  },
} as const satisfies ErrorCatalog;

export type DemoErrorCode = keyof typeof DEMO_ERRORS;
