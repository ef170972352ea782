/**
 * Error codes of the record store (change capture, changeset build and apply).
 */
import { EXIT, type ErrorCatalog } from '../errors/RadiosyncError.js';

export const STORE_ERRORS = {
  RS_ERR_STORE_CONFIG: {
    exit: EXIT.CONFIG,
    description:
      'A synced table is misconfigured: it does not exist, lacks its UUID column, or names an unknown column or foreign-key target. Fix the table options and run init again.',
  },
  RS_ERR_STORE_NOT_INITIALISED: {
    exit: EXIT.CONFIG,
    description: 'The database has no radiosync tables (or an older radiosync schema); run `radiosync init` on it first.',
  },
  RS_ERR_STORE_SCHEMA_VERSION: {
    exit: EXIT.DATA,
    description:
      'The database was initialised by a newer radiosync (its store schema version is unknown), or a changeset has an unknown version; nothing was changed. Upgrade radiosync.',
  },
  RS_ERR_STORE_BAD_CHANGE: {
    exit: EXIT.DATA,
    description:
      'A changeset holds a malformed row change (bad id, seq, origin, kind or field value); the whole changeset is rejected and the database is unchanged.',
  },
  RS_ERR_STORE_BAD_UUID: {
    exit: EXIT.DATA,
    description: 'A synced row has a UUID column value that is not a UUID; the capture is rejected and the application write should be fixed.',
  },
  RS_ERR_STORE_BUSY: {
    exit: EXIT.TEMPFAIL,
    description: 'The database is locked by another writer for longer than the busy timeout; try again.',
  },
} as const satisfies ErrorCatalog;

export type StoreErrorCode = keyof typeof STORE_ERRORS;
