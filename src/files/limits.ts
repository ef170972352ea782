/**
 * Every bound and tuning constant of folder sync, with its default and why (see docs/folders.md).
 */

/**
 * Smallest chunk FastCDC cuts (bytes), except a file's last chunk. Default 512 B: below that the
 * per-chunk overhead on air (16-byte hash + length in the chunk list, ~20 bytes of CBOR framing)
 * passes 7%.
 */
export const CDC_MIN_CHUNK = 512;
/**
 * Average chunk size FastCDC aims for (bytes, a power of two). Default 2 KiB: a 1 KB edit costs
 * ~2 chunks plus a list chunk, ~7 KB on air for random data (~50 s at 1200 bit/s), against ~12 KB
 * with 4 KiB chunks (measured side by side, test/bench/files.bench.ts). The price is a longer chunk
 * list (~470 references per MB, +1.6% on a first transfer instead of +0.7%). Part of the protocol:
 * changing it changes every chunk id.
 */
export const CDC_AVG_CHUNK = 2048;
/** Largest chunk (bytes). Default 8 KiB (4× average): bounds one chunk's airtime and memory. */
export const CDC_MAX_CHUNK = 8192;

/**
 * Bytes of a chunk id: SHA-256 truncated to 128 bits. Collisions need ~2^64 chunks (birthday
 * bound) — far beyond any station — and each reference costs 16 bytes on air instead of 32.
 */
export const CHUNK_HASH_BYTES = 16;

/**
 * A chunk list longer than this many records is split into content-defined list chunks (a tree),
 * so a rename or an edit re-sends only the top list. Default 8 records (~150 bytes): a rename of
 * a 1 MB file costs ~260 bytes on air, against ~520 with 16 (measured).
 */
export const CHUNK_LIST_INLINE_MAX = 8;
/**
 * A list chunk ends after a record whose hash has this many low zero bits: groups of ~2^5 = 32
 * records (~600 bytes), cut by content so an insertion shifts no other group.
 */
export const CHUNK_LIST_GROUP_BITS = 5;
/** Hard cap on records in one list chunk (bounds a list chunk to ~2.5 KiB). */
export const CHUNK_LIST_GROUP_MAX = 128;
/** Deepest chunk-list tree accepted from a peer (level 0 = data). 6 levels cover > 2^40 bytes. */
export const CHUNK_LIST_MAX_LEVEL = 6;

/** Longest entry path accepted (UTF-8 bytes), as on common file systems (PATH_MAX 4096). */
export const MAX_ENTRY_PATH_BYTES = 4096;

/**
 * Ranges of a file entry's numbers from a peer (anything else: RS_ERR_FILES_BAD_ENTRY, not applied):
 * - mode: an integer 0 … 0xFFFF (a 16-bit st_mode); only `mode & 0o777` is ever applied, so no
 *   setuid, setgid or sticky bit reaches the disk;
 * - mtime: an integer 0 … MAX_ENTRY_MTIME_MS ms (the year 9999: what file systems and `utimes` take);
 * - size: an integer 0 … 2^53 − 1.
 */
export const MAX_ENTRY_MODE = 0xffff;
export const ENTRY_MODE_MASK = 0o777;
export const MAX_ENTRY_MTIME_MS = 253_402_300_799_999;

/** Read size when streaming a file through the chunker (bytes). Memory per open file. */
export const SCAN_READ_BYTES = 256 * 1024;

/** Rows written per SQLite transaction while scanning: bounds a transaction's journal. */
export const SCAN_BATCH_ROWS = 2000;

/**
 * Quiet time after the last file-system event before the watcher runs an incremental scan
 * (ms). Default 2 s: an editor's save (temp, rename, chmod) lands in one scan.
 */
export const WATCH_DEBOUNCE_MS = 2000;

/** How long overwritten and deleted files stay in the versions folder (ms). Default 30 days. */
export const VERSIONS_KEEP_MS = 30 * 24 * 3600 * 1000;

/**
 * A file whose mtime is this close to (or after) the scan's start is "racy" (Git's term): it may
 * be written again within the same timestamp tick without changing size or mtime. Its scan state
 * is stored so the next scan re-hashes it. Default 2 s covers FAT's 2-second mtime granularity.
 */
export const RACY_WINDOW_MS = 2000;

/**
 * Most changed paths the watcher hands to a scoped scan; beyond that it runs a full scan (cheaper
 * than many small walks, and bounds the memory of one quiet period). Default 1000.
 */
export const WATCH_SCOPE_MAX = 1000;
