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
  RS_ERR_STORE_CONFLICT_NOT_FOUND: {
    exit: EXIT.NO_INPUT,
    description: '`conflicts show` / `conflicts resolve` was given an id that no kept conflict has; `radiosync conflicts` lists the ids.',
  },
  RS_ERR_STORE_CONFLICT_BAD_VALUE: {
    exit: EXIT.USAGE,
    description:
      '`conflicts resolve` was given a value that does not fit the column (its declared type, a constraint, or a reference to a row this station does not hold), or a value for an edit-beats-delete conflict. Nothing was written.',
  },
  RS_ERR_STORE_CONFLICT_ROW_GONE: {
    exit: EXIT.DATA,
    description: 'The row of the conflict is no longer in the application table (deleted since, or its table is no longer synced); there is nothing to resolve. Nothing was written.',
  },
  RS_ERR_STORE_EXPORT_BAD_DATE: {
    exit: EXIT.USAGE,
    description: '`export --json --since/--until` was given something that is not an ISO 8601 date or time (e.g. 2026-12-01 or 2026-12-01T10:00Z).',
  },
  RS_ERR_STORE_EXPORT_BAD_RANGE: {
    exit: EXIT.USAGE,
    description: '`export --json` was given a range that selects nothing by construction: --since after --until, or --seq that is not FROM..TO with 1 ≤ FROM ≤ TO.',
  },
  RS_ERR_STORE_EXPORT_UNKNOWN_TABLE: {
    exit: EXIT.USAGE,
    description: '`export --json --tables` named a table that is neither synced here nor held in the log (names are case-sensitive, as in the database).',
  },
  RS_ERR_STORE_MIGRATION: {
    exit: EXIT.CONFIG,
    description:
      'A schema migration of the application removed a table or a column radiosync relies on (the UUID, soft-delete, local or foreign-key column); data.table, data.column and data.option name it. Nothing was changed: restore it, or change that setting (and run `radiosync reconfigure`) first.',
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
      'A changeset holds a malformed row change (bad id, seq, origin, kind or field value). Its origin\'s run is refused (shown in `status`); everything else in the changeset is applied.',
  },
  RS_ERR_STORE_BAD_UUID: {
    exit: EXIT.DATA,
    description: 'A synced row has a UUID column value that is not a UUID; the capture is rejected and the application write should be fixed.',
  },
  RS_ERR_STORE_OWN_ORIGIN: {
    exit: EXIT.DATA,
    description:
      'A changeset carried changes claiming to come from this very station without its own origin signature over its own chain. Only this station makes its own changes (they come back from a peer, signed, only after a restore from an old backup): the run is refused (shown in `status`), everything else in the changeset is applied.',
  },
  RS_ERR_STORE_ORIGIN_UNSIGNED: {
    exit: EXIT.DATA,
    description:
      'Changes of an origin arrived without a valid signature by that origin over its hash chain (forged, reordered or squatted seqs), or signed by an origin whose key this station does not hold (`radiosync peer add` it). The run is refused and shown in `status`; everything else is applied.',
  },
  RS_ERR_STORE_ORIGIN_GAP: {
    exit: EXIT.DATA,
    description:
      'An origin\'s changes did not follow on from what this station holds (a gap, a seq out of order, or a seq that differs from the one held: a fork). The run is refused and shown in `status`; the sender sends it again from where this station is.',
  },
  RS_ERR_STORE_RELAY_QUOTA: {
    exit: EXIT.DATA,
    description:
      'A sender reached its quota of rows or bytes held only for relaying (tables this station does not sync). Further such rows are logged without their data and not relayed by this station; its own tables still apply. Raise limits.relay_rows_per_peer / relay_bytes_per_peer to keep more.',
  },
  RS_ERR_STORE_SEQ_EXHAUSTED: {
    exit: EXIT.SOFTWARE,
    description: 'This station has used every sequence number up to MAX_SEQ (2^48 − 1); no further local change can be recorded.',
  },
  RS_ERR_STORE_NO_SPACE: {
    exit: EXIT.NO_SPACE,
    description: 'The disk holding the application database filled up (SQLITE_FULL). The transaction was rolled back: nothing was half-applied. Free space and run again.',
  },
  RS_ERR_STORE_BUSY: {
    exit: EXIT.TEMPFAIL,
    description: 'The database is locked by another writer for longer than the busy timeout; try again.',
  },
} as const satisfies ErrorCatalog;

export type StoreErrorCode = keyof typeof STORE_ERRORS;
