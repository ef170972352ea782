/** Bounds and defaults of the record store, each with the reason for its value. */

/**
 * How far (ms) a remote HLC may drag the local clock beyond the local wall clock. Default 10 min:
 * larger than the error of a laptop clock set by hand from a watch, far smaller than the "days
 * wrong" clocks that field reports describe. A station seen further ahead is flagged in the peers
 * table (`clock_flag`), and its timestamps never move this station's clock past the bound.
 */
export const MAX_CLOCK_DRIFT_MS = 10 * 60 * 1000;

/**
 * Default cap on row changes in one built changeset. 5,000 changes of a few fields compress to
 * roughly 100–200 kB: a day of HF airtime at 300 bit/s, minutes at 9600 bit/s. The rest follows in
 * the next changeset once this one is acknowledged.
 */
export const DEFAULT_MAX_CHANGES = 5000;

/** Busy timeout (ms) on the application database: the application may hold a write lock briefly. */
export const BUSY_TIMEOUT_MS = 5000;

/** Version of radiosync's own tables in the application database (2: origin chains, relay quota). */
export const STORE_SCHEMA_VERSION = 2;

/**
 * Per-sender quota for rows held *only for relaying* (tables this station does not sync):
 * 100,000 rows and 32 MiB of field data by default. Past it, such rows from that sender are
 * logged without their fields (`kept` = 0): this station's own tables still apply, the origin's
 * version vector still advances, but this station no longer relays that data (its peers get it from
 * elsewhere) and the refusal is shown in `status` (RS_ERR_STORE_RELAY_QUOTA).
 */
export const DEFAULT_RELAY_QUOTA_ROWS = 100_000;
export const DEFAULT_RELAY_QUOTA_BYTES = 32 * 1024 * 1024;

/** Prefix of every table and trigger radiosync creates in the application database. */
export const STORE_PREFIX = 'radiosync_';
