import { EXIT, type ErrorCatalog } from '../errors/RadiosyncError.js';

export const STATION_ERRORS = {
  RS_ERR_STATION_EXISTS: { exit: EXIT.USAGE, description: '`init` found a station already in that home directory. Use another --home, or remove the old one.' },
  RS_ERR_STATION_NOT_FOUND: { exit: EXIT.NO_INPUT, description: 'No station in the given --home. Run `radiosync init --home DIR --callsign CALL` first.' },
  RS_ERR_KEY_INVALID: { exit: EXIT.USAGE, description: 'A peer key is not of the form printed by `radiosync key` (rsk1:…).' },
  RS_ERR_KEY_FILE: { exit: EXIT.IO, description: "The station's key file is missing or unreadable (keys/station.key in the home)." },
  RS_ERR_PEER_UNKNOWN: { exit: EXIT.NO_INPUT, description: 'The named station is not a known peer. Add it with `radiosync peer add CALL --key KEY`.' },
} as const satisfies ErrorCatalog;

export type StationErrorCode = keyof typeof STATION_ERRORS;
