import { EXIT, type ErrorCatalog } from '../errors/RadiosyncError.js';

export const STATION_ERRORS = {
  RS_ERR_STATION_EXISTS: { exit: EXIT.USAGE, description: '`init` found a station with another callsign in that home directory, or was given --db/--tables that differ from its radiosync.toml. Use another --home, or edit the file and run `radiosync reconfigure`.' },
  RS_ERR_STATION_INIT: { exit: EXIT.USAGE, description: '`init` was given options that do not go together (e.g. --schema-from without --db, or with --adopt-copy). Nothing was created.' },
  RS_ERR_STATION_RECONFIGURE: {
    exit: EXIT.CONFIG,
    description:
      'radiosync.toml (or a RADIOSYNC_* variable or flag) changed a records setting since `init`; data.keys names the keys. Nothing was sent. Run `radiosync reconfigure` (or `init` again) to apply the change, or undo it.',
  },
  RS_ERR_STATION_NOT_FOUND: { exit: EXIT.NO_INPUT, description: 'No station in the given --home. Run `radiosync init --home DIR --callsign CALL` first.' },
  RS_ERR_KEY_INVALID: { exit: EXIT.USAGE, description: 'A peer key is not of the form printed by `radiosync key` (rsk1:…).' },
  RS_ERR_KEY_FILE: { exit: EXIT.IO, description: "The station's key file is missing or unreadable (keys/station.key in the home)." },
  RS_ERR_PEER_UNKNOWN: { exit: EXIT.NO_INPUT, description: 'The named station is not a known peer. Add it with `radiosync peer add CALL --key KEY`.' },
} as const satisfies ErrorCatalog;

export type StationErrorCode = keyof typeof STATION_ERRORS;
