/**
 * Decoding limits of the changeset codec. Every bound a hostile or corrupt payload could push is
 * checked *before* the memory it implies is allocated. Pass `Partial<ChangesetLimits>` to
 * `decodeChangeset` to tighten or loosen them.
 */

/**
 * Largest inflated (CBOR) size accepted: 16 MiB. At 1200 bit/s the compressed form of a changeset
 * this big is hours of airtime, so a real one never comes near it; a decompression bomb is stopped
 * as soon as its output passes this size.
 */
export const DEFAULT_MAX_INFLATED_BYTES = 16 * 1024 * 1024;

/**
 * Most row changes in one changeset: 250,000. Run-length coded streams could otherwise claim
 * millions of rows from a few bytes; each decoded row costs a few hundred bytes of heap.
 */
export const DEFAULT_MAX_ROWS = 250_000;

/** Most columns (distinct field names) per table: 1,024 (SQLite's default SQLITE_MAX_COLUMN is 2,000). */
export const DEFAULT_MAX_COLUMNS = 1_024;

/** Most field values summed over all rows: 5,000,000 (e.g. 250,000 rows × 20 columns). */
export const DEFAULT_MAX_CELLS = 5_000_000;

/** Most distinct tables in one changeset: 1,024. */
export const DEFAULT_MAX_TABLES = 1_024;

/** Most distinct station ids (origins, addressees, version-vector keys): 4,096. */
export const DEFAULT_MAX_STATIONS = 4_096;

/**
 * Longest string (UTF-16 code units), byte-string value or bigint magnitude (bytes) accepted as a
 * field value, name or station id: 1 MiB. File content travels as chunks, not as strings.
 */
export const DEFAULT_MAX_STRING_LENGTH = 1024 * 1024;

/**
 * Most file chunks in one changeset: 65,536 (at radiosync's small average chunk size that is far
 * more content than the inflate cap lets through; it bounds chunk objects made from empty data).
 */
export const DEFAULT_MAX_CHUNKS = 65_536;

export interface ChangesetLimits {
  maxInflatedBytes: number;
  maxRows: number;
  maxColumns: number;
  maxCells: number;
  maxTables: number;
  maxStations: number;
  maxStringLength: number;
  maxChunks: number;
}

export const DEFAULT_CHANGESET_LIMITS: Readonly<ChangesetLimits> = Object.freeze({
  maxInflatedBytes: DEFAULT_MAX_INFLATED_BYTES,
  maxRows: DEFAULT_MAX_ROWS,
  maxColumns: DEFAULT_MAX_COLUMNS,
  maxCells: DEFAULT_MAX_CELLS,
  maxTables: DEFAULT_MAX_TABLES,
  maxStations: DEFAULT_MAX_STATIONS,
  maxStringLength: DEFAULT_MAX_STRING_LENGTH,
  maxChunks: DEFAULT_MAX_CHUNKS,
});

/** Defaults overridden by every limit given as a number (undefined entries keep the default). */
export function resolveLimits(limits: Partial<ChangesetLimits> = {}): ChangesetLimits {
  const out: ChangesetLimits = { ...DEFAULT_CHANGESET_LIMITS };
  for (const key of Object.keys(out) as Array<keyof ChangesetLimits>) {
    const v = limits[key];
    if (typeof v === 'number' && !Number.isNaN(v)) out[key] = v;
  }
  return out;
}
