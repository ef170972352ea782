/**
 * A file's chunk list: which chunks, in order, make up its content. It travels as the `chunks`
 * field of an `@files` row, and long lists are split into content-defined *list chunks* (a hash
 * tree, as in bup), so that renaming or copying a 1 MB file sends ~200 bytes of list, and an edit
 * re-sends only the top list and the one list chunk that changed.
 *
 * Packed list (the field value, and the data of a list chunk):
 *
 *   +-------+--------------------------+---------------------+----- … -----+
 *   | level | hash (16 bytes)          | length (LEB128)     | more records |
 *   +-------+--------------------------+---------------------+----- … -----+
 *     1 B     CHUNK_HASH_BYTES           1–8 B, unsigned
 *
 * level 0: each record is a data chunk and `length` is its size in bytes.
 * level n > 0: each record is a list chunk of level n-1, and `length` is the file bytes it covers.
 * An empty file is the single byte 0x00. A list chunk's hash is `hashChunk` of its packed bytes.
 *
 * Grouping: records are taken in order; a group (one list chunk) ends after a record whose hash's
 * last byte has CHUNK_LIST_GROUP_BITS low zero bits (once the group has 2 records), or at
 * CHUNK_LIST_GROUP_MAX records. Levels are added until at most CHUNK_LIST_INLINE_MAX records remain.
 */
import type { Chunk } from '../changeset/Changeset.js';
import { hashChunk, toHex } from './chunkHash.js';
import { makeError } from '../errors/RadiosyncError.js';
import { FILES_ERRORS } from './errors.js';
import {
  CHUNK_HASH_BYTES,
  CHUNK_LIST_GROUP_BITS,
  CHUNK_LIST_GROUP_MAX,
  CHUNK_LIST_INLINE_MAX,
  CHUNK_LIST_MAX_LEVEL,
} from './limits.js';

/** One record of a chunk list. */
export interface ChunkRef {
  hash: Uint8Array;
  length: number;
}

export interface PackedList {
  level: number;
  records: ChunkRef[];
}

function writeLeb(out: number[], n: number): void {
  let v = n;
  while (v >= 0x80) {
    out.push((v % 0x80) | 0x80);
    v = Math.floor(v / 0x80);
  }
  out.push(v);
}

export function packList(level: number, records: ChunkRef[]): Uint8Array {
  const out: number[] = [level];
  for (const r of records) {
    for (let i = 0; i < CHUNK_HASH_BYTES; i++) out.push(r.hash[i]!);
    writeLeb(out, r.length);
  }
  return Uint8Array.from(out);
}

/** Parse a packed list; `undefined` if it is malformed (bytes from the air are data). */
export function unpackList(bytes: Uint8Array): PackedList | undefined {
  if (bytes.length < 1) return undefined;
  const level = bytes[0]!;
  if (level > CHUNK_LIST_MAX_LEVEL) return undefined;
  const records: ChunkRef[] = [];
  let p = 1;
  while (p < bytes.length) {
    if (p + CHUNK_HASH_BYTES > bytes.length) return undefined;
    const hash = bytes.slice(p, p + CHUNK_HASH_BYTES);
    p += CHUNK_HASH_BYTES;
    let length = 0;
    let scale = 1;
    for (let k = 0; ; k++) {
      if (p >= bytes.length || k >= 8) return undefined;
      const b = bytes[p++]!;
      length += (b & 0x7f) * scale;
      scale *= 0x80;
      if ((b & 0x80) === 0) break;
    }
    records.push({ hash, length });
  }
  return { level, records };
}

export interface ChunkTree {
  /** The packed top list: the value of the entry's `chunks` field. */
  root: Uint8Array;
  /** List chunks below the root (empty for short files). */
  lists: Chunk[];
}

function groupEnds(group: ChunkRef[], last: ChunkRef): boolean {
  if (group.length >= CHUNK_LIST_GROUP_MAX) return true;
  if (group.length < 2) return false;
  const mask = (1 << CHUNK_LIST_GROUP_BITS) - 1;
  return (last.hash[CHUNK_HASH_BYTES - 1]! & mask) === 0;
}

/** Build the list tree for a file's data chunks. */
export function buildChunkTree(leaves: ChunkRef[]): ChunkTree {
  const lists: Chunk[] = [];
  let level = 0;
  let recs = leaves;
  while (recs.length > CHUNK_LIST_INLINE_MAX && level < CHUNK_LIST_MAX_LEVEL) {
    const next: ChunkRef[] = [];
    let group: ChunkRef[] = [];
    const close = (): void => {
      const data = packList(level, group);
      const hash = hashChunk(data);
      lists.push({ hash, data });
      next.push({ hash, length: group.reduce((s, r) => s + r.length, 0) });
      group = [];
    };
    for (const r of recs) {
      group.push(r);
      if (groupEnds(group, r)) close();
    }
    if (group.length > 0) close();
    recs = next;
    level++;
  }
  return { root: packList(level, recs), lists };
}

/** Where to find a list chunk's bytes (the chunk store, or a peer's changeset). */
export type ChunkLookup = (hash: Uint8Array) => Uint8Array | undefined;

export type ExpandResult =
  | { ok: true; leaves: ChunkRef[]; lists: Uint8Array[] }
  | { ok: false; missing: Uint8Array[]; error?: ReturnType<typeof makeError> };

/**
 * The data-chunk refs of a packed root list, reading list chunks through `lookup`. Reports the
 * missing list chunks instead of throwing; verifies each list chunk's hash and level.
 */
export function expandChunkList(root: Uint8Array, lookup: ChunkLookup): ExpandResult {
  const top = unpackList(root);
  const bad = (why: string): ExpandResult => ({
    ok: false,
    missing: [],
    error: makeError(FILES_ERRORS, 'RS_ERR_FILES_BAD_CHUNK_LIST', why),
  });
  if (top === undefined) return bad('malformed root chunk list');
  const leaves: ChunkRef[] = [];
  const lists: Uint8Array[] = [];
  const missing: Uint8Array[] = [];
  const walk = (list: PackedList): string | undefined => {
    if (list.level === 0) {
      leaves.push(...list.records);
      return undefined;
    }
    for (const r of list.records) {
      const data = lookup(r.hash);
      if (data === undefined) {
        missing.push(r.hash);
        continue;
      }
      if (toHex(hashChunk(data)) !== toHex(r.hash)) return 'list chunk does not match its hash';
      const sub = unpackList(data);
      if (sub === undefined || sub.level !== list.level - 1) return 'list chunk malformed or at the wrong level';
      if (sub.records.reduce((s, x) => s + x.length, 0) !== r.length) return 'list chunk length mismatch';
      lists.push(r.hash);
      const why = walk(sub);
      if (why !== undefined) return why;
    }
    return undefined;
  };
  const why = walk(top);
  if (why !== undefined) return bad(why);
  if (missing.length > 0) return { ok: false, missing };
  return { ok: true, leaves, lists };
}

/** Total file bytes a packed list covers (undefined if malformed). */
export function listSize(root: Uint8Array): number | undefined {
  const top = unpackList(root);
  return top?.records.reduce((s, r) => s + r.length, 0);
}
