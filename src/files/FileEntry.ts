/**
 * A file entry: one row of the reserved changeset table `@files`.
 *
 * | field   | type                  | meaning                                                        |
 * |---------|-----------------------|----------------------------------------------------------------|
 * | share   | string                | the folder's share name (same at every station)                |
 * | path    | string                | '/'-separated, relative to the folder root, Unicode NFC        |
 * | type    | 'file' / 'dir' / 'symlink' |                                                           |
 * | mode    | number                | permission bits (0o777 mask); the exec bit is what matters     |
 * | mtime   | number                | modification time, ms since epoch (integer)                     |
 * | size    | number                | bytes (0 for dirs and symlinks)                                |
 * | chunks  | Uint8Array            | packed root chunk list (see ChunkList.ts); empty for non-files  |
 * | target  | string                | symlink target, recorded as is, never followed ('' otherwise)   |
 *
 * The row id is the first 16 bytes of SHA-256("radiosync-file\0" + share + "\0" + path), so the
 * same path gets the same id at every station: two stations creating the same path concurrently
 * are two concurrent versions of one row, resolved by the conflict rules.
 */
import { createHash } from 'node:crypto';
import type { FieldValue, RowChange } from '../changeset/Changeset.js';
import { bytesEqual } from './chunkHash.js';
import { MAX_ENTRY_PATH_BYTES, MAX_ENTRY_MODE, MAX_ENTRY_MTIME_MS, ENTRY_MODE_MASK } from './limits.js';

/** The reserved changeset table of folder sync. */
export const FILES_TABLE = '@files';

export type EntryType = 'file' | 'dir' | 'symlink';

export interface FileEntry {
  share: string;
  path: string;
  type: EntryType;
  mode: number;
  mtime: number;
  size: number;
  chunks: Uint8Array;
  target: string;
}

/** A local change the scanner found, for the record store to stamp (origin, seq, hlc). */
export type FileChange = Pick<RowChange, 'table' | 'id' | 'kind' | 'fields'>;

/** The state of one `@files` row as the record store (or the test harness) holds it. */
export interface FileRowState {
  id: Uint8Array;
  deleted: boolean;
  entry: FileEntry;
  /** Station that made this version (names conflict copies). */
  origin: string;
  /** Hybrid logical clock of this version (ms part names conflict copies). */
  hlc: bigint;
}

export const ENTRY_FIELDS = ['share', 'path', 'type', 'mode', 'mtime', 'size', 'chunks', 'target'] as const;

export function entryId(share: string, path: string): Uint8Array {
  const d = createHash('sha256').update(`radiosync-file\0${share}\0${path}`).digest();
  return new Uint8Array(d.subarray(0, 16));
}

export function entryFields(e: FileEntry): Record<string, FieldValue> {
  return { share: e.share, path: e.path, type: e.type, mode: e.mode, mtime: e.mtime, size: e.size, chunks: e.chunks, target: e.target };
}

function same(a: FieldValue | undefined, b: FieldValue | undefined): boolean {
  if (a instanceof Uint8Array && b instanceof Uint8Array) return bytesEqual(a, b);
  return a === b;
}

/** Only the fields that differ from `prev` (all of them when there is no `prev`). */
export function changedFields(prev: FileEntry | undefined, next: FileEntry): Record<string, FieldValue> {
  const all = entryFields(next);
  if (prev === undefined) return all;
  const before = entryFields(prev);
  const out: Record<string, FieldValue> = {};
  for (const k of ENTRY_FIELDS) if (!same(before[k], all[k])) out[k] = all[k]!;
  return out;
}

/** Merge changed fields onto a previous state (what a store does with a partial upsert). */
export function applyFields(prev: FileEntry | undefined, fields: Record<string, FieldValue>): FileEntry | undefined {
  const base: Record<string, FieldValue> = prev ? entryFields(prev) : {};
  const m = { ...base, ...fields };
  const e = {
    share: m.share, path: m.path, type: m.type, mode: m.mode, mtime: m.mtime, size: m.size,
    chunks: m.chunks ?? new Uint8Array([0]), target: m.target ?? '',
  };
  if (typeof e.share !== 'string' || typeof e.path !== 'string') return undefined;
  if (e.type !== 'file' && e.type !== 'dir' && e.type !== 'symlink') return undefined;
  if (typeof e.mode !== 'number' || typeof e.mtime !== 'number' || typeof e.size !== 'number') return undefined;
  if (!(e.chunks instanceof Uint8Array) || typeof e.target !== 'string') return undefined;
  return e as FileEntry;
}

/** Same content and metadata (what matters on disk). */
export function sameEntry(a: FileEntry, b: FileEntry): boolean {
  return a.type === b.type && a.mode === b.mode && a.mtime === b.mtime && a.size === b.size && a.target === b.target && bytesEqual(a.chunks, b.chunks);
}

/** Same bytes on disk (ignores mtime and mode). */
export function sameContent(a: FileEntry, b: FileEntry): boolean {
  return a.type === b.type && a.target === b.target && bytesEqual(a.chunks, b.chunks);
}

/** Validate an entry's numbers from a peer (ranges in limits.ts). Returns a reason, or undefined. */
export function badEntryReason(e: FileEntry): string | undefined {
  if (!Number.isInteger(e.mode) || e.mode < 0 || e.mode > MAX_ENTRY_MODE) return `mode ${String(e.mode)} outside 0 … 0xFFFF`;
  if (!Number.isInteger(e.mtime) || e.mtime < 0 || e.mtime > MAX_ENTRY_MTIME_MS) return `mtime ${String(e.mtime)} outside 0 … ${MAX_ENTRY_MTIME_MS}`;
  if (!Number.isSafeInteger(e.size) || e.size < 0) return `size ${String(e.size)} is not a non-negative safe integer`;
  return undefined;
}

/** The permission bits radiosync applies: `mode & 0o777`, never setuid, setgid or sticky. */
export function safeMode(mode: number): number {
  return mode & ENTRY_MODE_MASK;
}

/**
 * Validate a path from a peer: relative, '/'-separated, no '.', '..', empty segments, NUL or
 * backslash, at most MAX_ENTRY_PATH_BYTES. Returns a reason, or undefined when safe.
 */
export function badPathReason(path: string): string | undefined {
  if (path.length === 0) return 'empty path';
  if (Buffer.byteLength(path) > MAX_ENTRY_PATH_BYTES) return 'path too long';
  if (path.includes('\0') || path.includes('\\')) return 'NUL or backslash in path';
  if (path.startsWith('/')) return 'absolute path';
  for (const seg of path.split('/')) {
    if (seg === '' || seg === '.' || seg === '..') return `bad segment '${seg}'`;
  }
  return undefined;
}
