import { EXIT, type ErrorCatalog } from '../errors/RadiosyncError.js';

/** Error codes of the config layer. Every one carries `data.key` (dotted path) where a key is at fault. */
export const CONFIG_ERRORS = {
  RS_ERR_CONFIG_INVALID: {
    exit: EXIT.CONFIG,
    description:
      'A config value has the wrong type or is out of range; data.key names it, data.expected the form, data.source where it came from (file, env var or flag). data.issues lists every problem found.',
  },
  RS_ERR_CONFIG_UNKNOWN_KEY: {
    exit: EXIT.CONFIG,
    description: 'The config (file, RADIOSYNC_* env var or flag) has a key radiosync does not know; data.key names it and data.suggestion the closest known key.',
  },
  RS_ERR_CONFIG_PARSE: {
    exit: EXIT.CONFIG,
    description: 'The config file is not valid TOML; data.line and data.column point at the error.',
  },
  RS_ERR_CONFIG_NOT_FOUND: {
    exit: EXIT.NO_INPUT,
    description: 'No radiosync.toml in the station directory; run `radiosync init --home DIR --callsign CALL` first, or pass the right --home.',
  },
  RS_ERR_CONFIG_PROFILE: {
    exit: EXIT.CONFIG,
    description: 'radio.profile names no profile in hardware/profiles/ (or <home>/profiles/), or the profile file is invalid; data.available lists the known ones.',
  },
} as const satisfies ErrorCatalog;

export type ConfigErrorCode = keyof typeof CONFIG_ERRORS;
