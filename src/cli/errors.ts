import { EXIT, type ErrorCatalog } from '../index.js';

export const CLI_ERRORS = {
  RS_ERR_USAGE: { exit: EXIT.USAGE, description: 'The command line is not one radiosync understands: an unknown command or option, a missing required option or argument, or a value an option does not take. The message names it; `radiosync <command> --help` shows the forms.' },
} as const satisfies ErrorCatalog;
