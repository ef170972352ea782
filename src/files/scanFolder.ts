/**
 * Scan a folder into entries and the local changes to record.
 *
 * Unchanged files are skipped by (size, mtime, inode, mode) against the scan state in SQLite;
 * the rest are streamed through FastCDC and hashed. Directories (including empty ones), files and
 * symlinks (recorded with their target, never followed) become entries; sockets, FIFOs and devices
 * are skipped. A file that changes while being hashed is left for the next scan ("unstable").
 * Directory mtimes are not synced (they change whenever an entry inside does): they are recorded as 0.
 */
import { lstatSync, readdirSync, readlinkSync, type Stats } from 'node:fs';
import { join } from 'node:path';
import { assertFolderMarker, type FolderConfig } from './Folder.js';
import type { ChunkIndex } from './ChunkIndex.js';
import { buildChunkTree } from './ChunkList.js';
import { chunkFile } from './chunkFile.js';
import type { ChunkerOptions } from './FastCdc.js';
import { changedFields, entryId, FILES_TABLE, type EntryType, type FileChange, type FileEntry } from './FileEntry.js';
import type { FilesDb, ScanRow } from './FilesDb.js';
import { loadIgnore } from './ignoreRules.js';
import { RACY_WINDOW_MS, SCAN_BATCH_ROWS } from './limits.js';

/** Packed chunk list of an empty file / of a non-file entry. */
export const EMPTY_LIST = new Uint8Array([0]);

/** Permission bits kept in entries. */
export const MODE_MASK = 0o777;

export interface ScanContext {
  fdb: FilesDb;
  chunks: ChunkIndex;
  chunker?: ChunkerOptions;
}

export interface ScanOptions {
  /**
   * Scan only these folder-relative paths (files or directories, with everything under them),
   * e.g. what the watcher saw change. Deletes are reported only within the scope. Default: all.
   */
  scope?: string[];
  /**
   * Called inside each scan-state transaction with the changes whose scan state it writes, so a
   * caller can journal them atomically with the scan state (a crash then never leaves a change
   * recorded in the scan state but lost to the record store).
   */
  journal?: (changes: FileChange[], paths: string[]) => void;
}

/** Sorted, deduplicated scope without paths under another scope path; undefined = everything. */
function normaliseScope(scope: string[] | undefined): string[] | undefined {
  if (scope === undefined) return undefined;
  const clean = [...new Set(scope.map((p) => p.replace(/^\/+|\/+$/g, '')))].sort();
  if (clean.includes('')) return undefined;
  return clean.filter((p, i) => !clean.slice(0, i).some((q) => p.startsWith(`${q}/`)));
}

/** The ancestors of the scope paths. */
function parentsOf(scope: string[]): Set<string> {
  const out = new Set<string>();
  for (const p of scope) {
    const segs = p.split('/');
    for (let i = 1; i < segs.length; i++) out.add(segs.slice(0, i).join('/'));
  }
  return out;
}

export interface ScanStats {
  entries: number;
  hashedFiles: number;
  hashedBytes: number;
  skippedUnchanged: number;
  unstable: number;
  ignored: number;
  /** Directories that could not be read (their entries are kept, not deleted). */
  unreadable: number;
}

export interface ScanResult {
  changes: FileChange[];
  /** The path of each change, index for index (a change carries only its changed fields). */
  paths: string[];
  stats: ScanStats;
}

function typeOf(st: Stats): EntryType | undefined {
  if (st.isSymbolicLink()) return 'symlink';
  if (st.isDirectory()) return 'dir';
  if (st.isFile()) return 'file';
  return undefined;
}

/** Entry fields for a stat (without content). */
export function statEntry(share: string, path: string, st: Stats, type: EntryType): Omit<ScanRow, 'chunks' | 'target'> {
  return {
    share, path, type,
    mode: type === 'symlink' ? 0 : st.mode & MODE_MASK,
    mtime: type === 'dir' ? 0 : Math.round(st.mtimeMs), // ms; utimes with float seconds lands within ±1 µs
    size: type === 'file' ? st.size : 0,
    ino: st.ino,
  };
}

/** Chunk one file and record its chunks; undefined if it changed while being read. */
export async function hashFileEntry(
  abs: string, base: Omit<ScanRow, 'chunks' | 'target'>, ctx: ScanContext,
): Promise<{ row: ScanRow; leaves: import('./ChunkList.js').ChunkRef[] } | undefined> {
  let chunked: Awaited<ReturnType<typeof chunkFile>>;
  try {
    chunked = await chunkFile(abs, { ...ctx.chunker, sizeHint: base.size });
  } catch {
    return undefined; // vanished or unreadable while hashing: look again next scan
  }
  let after: Stats;
  try {
    after = lstatSync(abs);
  } catch {
    return undefined;
  }
  if (chunked.size !== base.size || after.size !== base.size || Math.round(after.mtimeMs) !== base.mtime) return undefined;
  const tree = buildChunkTree(chunked.leaves);
  if (tree.lists.length > 0) ctx.chunks.putMany(tree.lists);
  return { row: { ...base, chunks: tree.root, target: '' }, leaves: chunked.leaves };
}

/**
 * Scan `folder`: returns the changes since the last scan (changed fields only; the record store
 * stamps origin, seq and hlc) and updates the scan state and chunk index.
 * Throws RS_ERR_FOLDER_MARKER_MISSING if the root marker is missing.
 */
export async function scanFolder(folder: FolderConfig, ctx: ScanContext, opts: ScanOptions = {}): Promise<ScanResult> {
  assertFolderMarker(folder);
  const { share, root } = folder;
  const racyFrom = Date.now() - RACY_WINDOW_MS; // compared with real file-system mtimes
  const ignored = loadIgnore(root);
  const scope = normaliseScope(opts.scope);
  // A scoped scan loads only the scan state of its paths and their parents (SQL range query).
  const prev = scope === undefined ? ctx.fdb.loadScan(share) : ctx.fdb.loadScanUnder(share, scope, parentsOf(scope));
  const seen = new Set<string>();
  const changes: FileChange[] = [];
  const paths: string[] = [];
  const stats: ScanStats = { entries: 0, hashedFiles: 0, hashedBytes: 0, skippedUnchanged: 0, unstable: 0, ignored: 0, unreadable: 0 };
  let pending: Array<() => void> = [];
  let journaled = 0;
  const flush = (): void => {
    const work = pending;
    pending = [];
    const from = journaled;
    journaled = changes.length;
    ctx.fdb.tx(() => {
      work.forEach((w) => w());
      if (opts.journal && journaled > from) opts.journal(changes.slice(from, journaled), paths.slice(from, journaled));
    });
  };
  const record = (scanned: ScanRow, before: FileEntry | undefined, leaves?: import('./ChunkList.js').ChunkRef[]): void => {
    // A racy file is stored with inode -1 so the next scan hashes it again.
    const row = scanned.type === 'file' && scanned.mtime >= racyFrom ? { ...scanned, ino: -1 } : scanned;
    const fields = changedFields(before, row);
    const prevIno = prev.get(row.path)?.ino;
    if (Object.keys(fields).length > 0) {
      changes.push({ table: FILES_TABLE, id: entryId(share, row.path), kind: 'upsert', fields });
      paths.push(row.path);
    }
    if (Object.keys(fields).length > 0 || prevIno !== row.ino || leaves !== undefined) {
      pending.push(() => {
        ctx.fdb.putScan(row);
        if (leaves !== undefined) ctx.chunks.recordFile(share, row.path, leaves);
      });
      if (pending.length >= SCAN_BATCH_ROWS) flush();
    }
  };

  const walk = async (rel: string): Promise<void> => {
    const abs = rel === '' ? root : join(root, rel);
    let names: string[];
    try {
      names = readdirSync(abs);
    } catch (e) {
      // Unreadable (EACCES, EIO, a pulled stick): keep what was there, never report it deleted.
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') {
        const prefix = rel === '' ? '' : `${rel}/`;
        for (const p of prev.keys()) if (p.startsWith(prefix)) seen.add(p);
        stats.unreadable++;
      }
      return;
    }
    names.sort();
    for (const name of names) await visit(rel === '' ? name : `${rel}/${name}`, true);
  };

  /** Scan one path: record it, hash it if needed, and walk into it if it is a directory. */
  const visit = async (path: string, recurse: boolean): Promise<void> => {
    const full = join(root, path);
    let st: Stats;
    try {
      st = lstatSync(full);
    } catch {
      return;
    }
    const type = typeOf(st);
    if (type === undefined) return;
    if (ignored(path, type === 'dir')) {
      stats.ignored++;
      return;
    }
    const base = statEntry(share, path, st, type);
    const before = prev.get(path);
    seen.add(path);
    stats.entries++;
    if (type === 'dir') {
      record({ ...base, chunks: EMPTY_LIST, target: '' }, before);
      if (recurse) await walk(path);
    } else if (type === 'symlink') {
      let target = '';
      try {
        target = readlinkSync(full);
      } catch {
        return;
      }
      record({ ...base, chunks: EMPTY_LIST, target }, before);
    } else if (before && before.type === 'file' && before.size === base.size && before.mtime === base.mtime && before.ino === base.ino && before.mode === base.mode) {
      stats.skippedUnchanged++;
    } else {
      const hashed = await hashFileEntry(full, base, ctx);
      if (hashed === undefined) {
        stats.unstable++;
        if (before) seen.add(path); // keep the old entry until the file settles
        return;
      }
      stats.hashedFiles++;
      stats.hashedBytes += base.size;
      record(hashed.row, before, hashed.leaves);
    }
  };

  if (scope === undefined) await walk('');
  else {
    for (const p of scope) {
      const segs = p.split('/');
      for (let i = 1; i < segs.length; i++) await visit(segs.slice(0, i).join('/'), false); // new parents
      await visit(p, true);
    }
  }
  const inScope = (path: string): boolean => scope === undefined || scope.some((p) => path === p || path.startsWith(`${p}/`));
  // The folder may have gone away during the walk (a stick pulled mid-scan): check again before
  // turning anything missing into deletes.
  flush();
  assertFolderMarker(folder);
  for (const [path, row] of prev) {
    if (seen.has(path) || !inScope(path)) continue;
    changes.push({ table: FILES_TABLE, id: entryId(share, path), kind: 'delete', fields: {} });
    paths.push(path);
    pending.push(() => {
      ctx.fdb.deleteScan(share, path);
      if (row.type === 'file') ctx.chunks.forgetFile(share, path);
    });
  }
  flush();
  return { changes, paths, stats };
}
