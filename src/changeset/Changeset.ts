/**
 * The changeset data model: the contract between the store (which builds and applies changesets),
 * folder sync (whose file entries travel as rows of the reserved table `@files`, and whose content
 * travels as `chunks`), and the changeset codec (which turns this into compact CBOR + deflate).
 *
 * A changeset is *what a sender holds that the receiver has not acknowledged*: row changes from
 * any origin (so stations relay for each other), each stamped with its origin and per-origin
 * sequence number (the version-vector cursor) and a hybrid logical clock (only to break ties).
 */

/** A station id: an amateur callsign with optional SSID, upper case, e.g. `N0CALL` or `EA4XYZ-7`. */
export type StationId = string;

/** Values a synced column can hold. Foreign keys travel as the referenced row's 16-byte UUID. */
export type FieldValue = null | number | bigint | string | boolean | Uint8Array;

/** origin station → highest sequence number from that origin covered (contiguously). */
export type VersionVector = Record<StationId, number>;

/**
 * Hybrid logical clock timestamp: (wall milliseconds << 16) | logical counter, as a bigint.
 * 48 bits of milliseconds last until the year 10889.
 */
export type Hlc = bigint;

export interface RowChange {
  /** Synced table name. `@files` is reserved for folder-sync entries. */
  table: string;
  /** The row's global id: a 16-byte UUID. */
  id: Uint8Array;
  /** Station where the change was made. */
  origin: StationId;
  /** Per-origin sequence number, 1, 2, 3, … with no gaps at the origin. */
  seq: number;
  /** When the change was made, on the origin's hybrid logical clock. */
  hlc: Hlc;
  kind: 'upsert' | 'delete';
  /** Changed fields only. Empty for a delete. */
  fields: Record<string, FieldValue>;
  /**
   * For a delete: the row's causal context at the deleting station, i.e. for each origin the
   * highest seq of a change *to this row* it had applied. An edit not covered by it is concurrent
   * with (or after) the delete, and beats it.
   */
  ctx?: VersionVector;
}

/**
 * Ranges every decoder enforces on values from a peer (docs/protocol.md §4, "Value ranges").
 *
 * - seq: 1 … {@link MAX_SEQ} (2^48 − 1: a million changes a day for 770,000 years), so that
 *   `seq + 1` and sums of seqs stay exact doubles.
 * - hlc wall part: 0 … {@link MAX_HLC_WALL_MS} (2^47 − 2 ms, the year 6429), so that the packed
 *   HLC and the next tick after it (`hlc + 1`) stay below 2^63 − 1, SQLite's INTEGER maximum.
 */
export const MAX_SEQ = 2 ** 48 - 1;
export const MAX_HLC_WALL_MS = 2 ** 47 - 2;
/** Largest HLC value: {@link MAX_HLC_WALL_MS} with a full counter. */
export const MAX_HLC: Hlc = (BigInt(MAX_HLC_WALL_MS) << 16n) | 0xffffn;

/** Bytes of one origin signature (Ed25519). */
export const ORIGIN_SIGNATURE_BYTES = 64;

/** A content-addressed piece of a file (folder sync). */
export interface Chunk {
  /** Hash of `data` (see docs/folders.md for the hash). */
  hash: Uint8Array;
  data: Uint8Array;
}

export interface Changeset {
  /** Changeset schema version (the codec rejects unknown versions with a typed error). */
  version: 1;
  /** Station that built it. */
  from: StationId;
  /** Stations it is addressed to (a group may share one transmission). */
  to: StationId[];
  /** Build time at `from` (ms since epoch, for display only; never used to order changes). */
  created: number;
  /** For each origin, the highest seq whose changes this changeset (with what the receiver already
   *  acknowledged) covers. The receiver acknowledges what it durably applied. */
  upto: VersionVector;
  changes: RowChange[];
  chunks: Chunk[];
  /**
   * Origin signatures (changeset format 2): for each origin with rows here, that origin's
   * Ed25519 signature over its hash chain at the highest seq of its rows in this changeset
   * (docs/protocol.md §3.4). Relays forward them unchanged. Absent: format 1, no origin
   * signatures (stores without keys, e.g. library tests).
   */
  sigs?: Record<StationId, Uint8Array>;
}
