/**
 * Apply incoming `@files` row states to disk.
 *
 * The caller (the record store, or FolderReplica in tests) has already decided which version of
 * each row wins; this module does the disk work safely:
 * - directories first (shallow to deep), then files and symlinks, then conflict copies, then
 *   deletes of files and symlinks, then deletes of directories (deep to shallow). Upserts go before
 *   deletes so a rename or move reads its chunks from the old file before it disappears;
 * - each file is assembled from chunks (chunk store or local files, each verified), written with a
 *   safe write, and the target is re-hashed just before the rename: if it no longer matches the
 *   last scan, the entry is deferred (RS_ERR_FILES_TARGET_CHANGED) and the local edit wins the race;
 * - a concurrent live version that lost is written beside the winner as a conflict copy, which the
 *   next scan picks up and syncs like any new file;
 * - a replaced or deleted file goes to the versions folder;
 * - the scan state is updated, so the next scan does not report applied entries as local changes.
 * Bad paths, missing chunks and changed targets are reported per entry; other entries go on.
 */
import { lstatSync, lutimesSync, mkdirSync, readdirSync, readlinkSync, rmdirSync, symlinkSync, renameSync, unlinkSync, chmodSync, type Stats } from 'node:fs';
import { dirname, join } from 'node:path';
import { makeError } from '../errors/RadiosyncError.js';
import { diagConflict } from './diagnostics.js';
import { FILES_ERRORS, type FilesErrorCode } from './errors.js';
import { assertFolderMarker, type FolderConfig } from './Folder.js';
import { expandChunkList, type ChunkRef } from './ChunkList.js';
import { VERSIONS_SHARE } from './ChunkIndex.js';
import { bytesEqual } from './chunkHash.js';
import { chunkFile } from './chunkFile.js';
import { buildChunkTree } from './ChunkList.js';
import { conflictName } from './conflictName.js';
import { badEntryReason, badPathReason, safeMode, type FileEntry, type FileRowState } from './FileEntry.js';
import type { ScanRow } from './FilesDb.js';
import { fsyncDir, safeWriteFile, tempPathFor } from './safeWrite.js';
import { EMPTY_LIST, statEntry, type ScanContext } from './scanFolder.js';
import type { Versions } from './Versions.js';

export interface ApplyItem {
  /** The winning state of the row. */
  winner: FileRowState;
  /** Concurrent versions that lost; live files among them become conflict copies. */
  losers?: FileRowState[];
}

export interface ApplyContext extends ScanContext {
  versions: Versions;
  now: () => number;
  /**
   * Treat the target file system as case-insensitive: an entry whose name differs only in case
   * from another name already in its directory is not written (reported in `caseCollisions`).
   * Default: false (Linux). Set it for FAT/exFAT sticks, Windows and default macOS volumes.
   */
  caseInsensitive?: boolean;
}

export interface ApplyProblem {
  path: string;
  code: FilesErrorCode;
  message: string;
  /** For RS_ERR_FILES_CHUNK_MISSING: the chunks (data or list) still needed. */
  missing?: Uint8Array[];
}

export interface ApplyReport {
  /** Paths created or replaced (files, dirs, symlinks). */
  written: string[];
  deleted: string[];
  conflictCopies: string[];
  /** Paths whose old content went to the versions folder. */
  versioned: string[];
  /** Entries not applied yet (missing chunks, target changed): retry later; do not acknowledge. */
  deferred: ApplyProblem[];
  /** Entries that can never apply (bad path, bad chunk list): acknowledge, never retry. */
  rejected: ApplyProblem[];
  /** Names that collide by case only on a case-insensitive target (not written). */
  caseCollisions: string[];
  /** Directories a delete left in place because they still hold unsynced (e.g. ignored) files. */
  keptNonEmpty: string[];
}

function tryLstat(p: string): Stats | undefined {
  try {
    return lstatSync(p);
  } catch {
    return undefined;
  }
}

function depth(p: string): number {
  return p.split('/').length;
}

/** Does the file at `abs` still hold `expected` (by a fresh hash)? */
async function holds(abs: string, expected: ScanRow | undefined, ctx: ScanContext): Promise<boolean> {
  const st = tryLstat(abs);
  if (expected === undefined) return st === undefined;
  if (st === undefined) return true; // already gone: nothing to lose
  if (expected.type === 'dir') return st.isDirectory();
  if (expected.type === 'symlink') {
    if (!st.isSymbolicLink()) return false;
    try {
      return readlinkSync(abs) === expected.target;
    } catch {
      return false;
    }
  }
  if (!st.isFile() || st.size !== expected.size) return false;
  try {
    const c = await chunkFile(abs, ctx.chunker ?? {});
    return bytesEqual(buildChunkTree(c.leaves).root, expected.chunks);
  } catch {
    return tryLstat(abs) === undefined; // vanished meanwhile: nothing to lose; unreadable: keep it
  }
}

export async function applyEntries(folder: FolderConfig, items: ApplyItem[], ctx: ApplyContext): Promise<ApplyReport> {
  assertFolderMarker(folder);
  const a = new Applier(folder, ctx);
  for (const it of a.validInOrder(items)) {
    try {
      await a.applyOne(it);
    } catch (e) {
      // One entry's disk error never stops the others: a full disk or a failed chmod defers it.
      const err = e as NodeJS.ErrnoException;
      const full = err?.code === 'ENOSPC' || err?.code === 'EDQUOT';
      if (!full && typeof err?.code !== 'string') throw e;
      a.problem(a.report.deferred, it.winner.entry.path, full ? 'RS_ERR_FILES_NO_SPACE' : 'RS_ERR_FILES_WRITE_FAILED', `${err.code}: ${err.message}`);
    }
  }
  return a.report;
}

/** Order of the phases: directories, files and symlinks, deletes of files, deletes of directories. */
function rank(it: ApplyItem): number {
  const { deleted, entry } = it.winner;
  if (!deleted) return entry.type === 'dir' ? 0 : 1;
  return entry.type === 'dir' ? 3 : 2;
}

/** One apply run over one folder: the phases, in the order the header lists them. */
class Applier {
  readonly report: ApplyReport = { written: [], deleted: [], conflictCopies: [], versioned: [], deferred: [], rejected: [], caseCollisions: [], keptNonEmpty: [] };
  private readonly share: string;
  private readonly root: string;

  constructor(folder: FolderConfig, private readonly ctx: ApplyContext) {
    this.share = folder.share;
    this.root = folder.root;
  }

  problem(list: ApplyProblem[], path: string, code: FilesErrorCode, message: string, missing?: Uint8Array[]): void {
    const e = makeError(FILES_ERRORS, code, message, { share: this.share, path });
    list.push(missing ? { path, code, message: e.message, missing } : { path, code, message: e.message });
  }

  /** Phase 0: reject bad paths and bad entries; sort the rest into phase order (deletes of dirs deepest first). */
  validInOrder(items: ApplyItem[]): ApplyItem[] {
    const valid = items.filter((it) => {
      const e = it.winner.entry;
      const why = e.share !== this.share ? `entry for share ${e.share}` : badPathReason(e.path);
      if (why !== undefined) {
        this.problem(this.report.rejected, e.path, 'RS_ERR_FILES_BAD_PATH', why);
        return false;
      }
      const bad = it.winner.deleted ? undefined : badEntryReason(e);
      if (bad !== undefined) this.problem(this.report.rejected, e.path, 'RS_ERR_FILES_BAD_ENTRY', bad);
      return bad === undefined;
    });
    return valid.sort((a, b) => {
      const r = rank(a) - rank(b);
      if (r !== 0) return r;
      const d = depth(a.winner.entry.path) - depth(b.winner.entry.path);
      return rank(a) === 3 ? -d : d;
    });
  }

  async applyOne(it: ApplyItem): Promise<void> {
    const { entry, deleted } = it.winner;
    const viaLink = this.symlinkParent(entry.path);
    if (viaLink !== undefined) {
      this.problem(this.report.rejected, entry.path, 'RS_ERR_FILES_BAD_PATH', `parent ${viaLink} is a symlink; radiosync never writes through symlinks`);
      return;
    }
    const local = this.ctx.fdb.getScan(this.share, entry.path);
    const now = this.ctx.now();
    if (deleted) return this.remove(entry, local, now);
    if (this.caseClash(entry.path)) {
      this.report.caseCollisions.push(entry.path);
      return;
    }
    let copiesDone = true;
    for (const l of it.losers ?? []) copiesDone = (await this.writeConflictCopy(l, entry.path)) && copiesDone;
    if (!copiesDone) return; // deferred: retried when the loser's chunks arrive
    if (entry.type === 'dir') return this.putDir(entry, local, now);
    const abs = join(this.root, entry.path);
    if (local && tryLstat(abs) && local.type === entry.type && bytesEqual(local.chunks, entry.chunks) && local.target === entry.target
      && local.mode === entry.mode && local.mtime === entry.mtime) {
      return; // already there
    }
    if (tryLstat(abs)?.isDirectory()) {
      try {
        rmdirSync(abs); // a dir replaced by a file: only if empty
      } catch {
        this.problem(this.report.deferred, entry.path, 'RS_ERR_FILES_TARGET_CHANGED', 'a non-empty directory is in the way');
        return;
      }
    }
    if (entry.type === 'symlink') return this.putSymlink(entry, local, now);
    return this.putFile(entry, local, now);
  }

  /** Phase 1: a directory (a file or link in its way goes to versions, if unchanged since the scan). */
  private async putDir(entry: FileEntry, local: ScanRow | undefined, now: number): Promise<void> {
    const abs = join(this.root, entry.path);
    const st = tryLstat(abs);
    if (st && !st.isDirectory()) {
      if (!(await holds(abs, local, this.ctx))) {
        this.problem(this.report.deferred, entry.path, 'RS_ERR_FILES_TARGET_CHANGED', 'target changed since the last scan');
        return;
      }
      if (st.isFile()) this.toVersions(entry.path, abs, now, 'move');
      else unlinkSync(abs);
    }
    mkdirSync(abs, { recursive: true });
    if ((lstatSync(abs).mode & 0o7777) !== safeMode(entry.mode)) chmodSync(abs, safeMode(entry.mode));
    this.recordLocal(entry, abs);
    this.report.written.push(entry.path);
  }

  /** Phase 2: a symlink, made under a temporary name and renamed over the target. */
  private async putSymlink(entry: FileEntry, local: ScanRow | undefined, now: number): Promise<void> {
    const abs = join(this.root, entry.path);
    if (!(await holds(abs, local, this.ctx))) {
      this.problem(this.report.deferred, entry.path, 'RS_ERR_FILES_TARGET_CHANGED', 'target changed since the last scan');
      return;
    }
    mkdirSync(dirname(abs), { recursive: true });
    const tmp = tempPathFor(abs);
    symlinkSync(entry.target, tmp);
    try {
      lutimesSync(tmp, entry.mtime / 1000, entry.mtime / 1000);
    } catch {
      /* not supported here: the link keeps the time it was made */
    }
    this.keepOld(entry.path, abs, now);
    renameSync(tmp, abs);
    fsyncDir(dirname(abs));
    this.recordLocal(entry, abs);
    this.ctx.chunks.forgetFile(this.share, entry.path);
    this.report.written.push(entry.path);
  }

  /** Phase 2: a file, assembled from verified chunks by a safe write that re-checks the target. */
  private async putFile(entry: FileEntry, local: ScanRow | undefined, now: number): Promise<void> {
    const abs = join(this.root, entry.path);
    const leaves = this.leavesOf(entry);
    if (!leaves) return;
    const r = await safeWriteFile(abs, this.source(leaves), {
      mode: safeMode(entry.mode),
      mtime: entry.mtime,
      check: () => holds(abs, local, this.ctx),
      beforeReplace: () => this.keepOld(entry.path, abs, now),
    });
    if (r === 'target-changed') this.problem(this.report.deferred, entry.path, 'RS_ERR_FILES_TARGET_CHANGED', 'target changed since the last scan');
    else if (r === 'source-failed') this.problem(this.report.deferred, entry.path, 'RS_ERR_FILES_CHUNK_MISSING', 'a chunk could not be read');
    else {
      this.recordLocal(entry, abs, leaves);
      this.report.written.push(entry.path);
    }
  }

  /** Phases 3 and 4: a delete, only of what the last scan saw unchanged; a file goes to versions. */
  private async remove(entry: FileEntry, local: ScanRow | undefined, now: number): Promise<void> {
    const abs = join(this.root, entry.path);
    const st = tryLstat(abs);
    if (st === undefined) {
      if (local) this.forgetLocal(entry.path);
      return;
    }
    if (local === undefined) return; // an unscanned local file or dir: it is newer than the delete
    if (!(await holds(abs, local, this.ctx))) {
      this.problem(this.report.deferred, entry.path, 'RS_ERR_FILES_TARGET_CHANGED', 'target changed since the last scan; the local edit wins');
      return;
    }
    if (st.isDirectory()) {
      try {
        rmdirSync(abs);
      } catch {
        this.report.keptNonEmpty.push(entry.path);
        return;
      }
    } else if (st.isFile()) this.toVersions(entry.path, abs, now, 'move');
    else unlinkSync(abs);
    fsyncDir(dirname(abs));
    this.forgetLocal(entry.path);
    this.report.deleted.push(entry.path);
  }

  /**
   * Write a conflict copy of a losing version (never replaces anything). False if it cannot be
   * written yet (chunks missing): then the winner must not replace the loser either.
   */
  private async writeConflictCopy(loser: FileRowState, winnerPath: string): Promise<boolean> {
    const e = loser.entry;
    if (loser.deleted || e.type !== 'file') return true;
    const path = conflictName(e.path, Number(loser.hlc >> 16n), loser.origin);
    const abs = join(this.root, path);
    if (tryLstat(abs)) {
      this.report.conflictCopies.push(path); // made already (here or by a peer)
      return true;
    }
    const sink: ApplyProblem[] = [];
    const leaves = this.leavesOf({ ...e, path }, sink);
    if (!leaves) {
      for (const p of sink) this.report[p.code === 'RS_ERR_FILES_BAD_CHUNK_LIST' ? 'rejected' : 'deferred'].push({ ...p, path: winnerPath });
      return sink.every((p) => p.code === 'RS_ERR_FILES_BAD_CHUNK_LIST'); // a corrupt loser cannot block the winner
    }
    if (badEntryReason(e) !== undefined) return true; // a corrupt loser cannot block the winner
    const r = await safeWriteFile(abs, this.source(leaves), { mode: safeMode(e.mode), mtime: e.mtime, check: () => tryLstat(abs) === undefined });
    if (r === 'written') {
      this.report.conflictCopies.push(path);
      if (diagConflict.hasSubscribers) diagConflict.publish({ share: this.share, path: winnerPath, copy: path });
    }
    return r !== 'source-failed';
  }

  /** The data-chunk refs of a file entry, or a deferral/rejection. */
  private leavesOf(entry: FileEntry, sink?: ApplyProblem[]): ChunkRef[] | undefined {
    const ex = expandChunkList(entry.chunks, (h) => this.ctx.chunks.read(h));
    if (!ex.ok) {
      if (ex.error) this.problem(sink ?? this.report.rejected, entry.path, 'RS_ERR_FILES_BAD_CHUNK_LIST', ex.error.message);
      else this.problem(sink ?? this.report.deferred, entry.path, 'RS_ERR_FILES_CHUNK_MISSING', `${ex.missing.length} list chunks missing`, ex.missing);
      return undefined;
    }
    const size = ex.leaves.reduce((s, r) => s + r.length, 0);
    if (size !== entry.size) {
      this.problem(sink ?? this.report.rejected, entry.path, 'RS_ERR_FILES_BAD_CHUNK_LIST', `chunks add up to ${size}, entry says ${entry.size}`);
      return undefined;
    }
    const missing = ex.leaves.filter((r) => !this.ctx.chunks.has(r.hash)).map((r) => r.hash);
    if (missing.length > 0) {
      this.problem(sink ?? this.report.deferred, entry.path, 'RS_ERR_FILES_CHUNK_MISSING', `${missing.length} chunks missing`, missing);
      return undefined;
    }
    return ex.leaves;
  }

  private *source(leaves: ChunkRef[]): Generator<Uint8Array | undefined> {
    for (const r of leaves) yield this.ctx.chunks.read(r.hash);
  }

  /** A parent directory of `path` that is a symlink (writing through it could escape the folder). */
  private symlinkParent(path: string): string | undefined {
    const segs = path.split('/');
    for (let i = 1; i < segs.length; i++) {
      const p = segs.slice(0, i).join('/');
      const st = tryLstat(join(this.root, p));
      if (st === undefined) return undefined;
      if (st.isSymbolicLink()) return p;
    }
    return undefined;
  }

  /** Case-insensitive target: another name in the directory equal to this one ignoring case. */
  private caseClash(path: string): boolean {
    if (!this.ctx.caseInsensitive) return false;
    const abs = join(this.root, path);
    const name = abs.slice(dirname(abs).length + 1);
    let names: string[] = [];
    try {
      names = readdirSync(dirname(abs));
    } catch {
      return false;
    }
    const fold = name.normalize('NFC').toLowerCase();
    return names.some((n) => n !== name && n.normalize('NFC').toLowerCase() === fold);
  }

  /** The replaced file's old content goes to versions (a copy: the rename replaces it next). */
  private keepOld(path: string, abs: string, now: number): void {
    if (tryLstat(abs)?.isFile()) this.toVersions(path, abs, now, 'copy');
  }

  /** Keep the old file in the versions folder; its chunks stay readable from there. */
  private toVersions(path: string, abs: string, now: number, how: 'copy' | 'move'): void {
    if (how === 'copy') this.ctx.versions.keepCopy(this.share, path, abs, now);
    else this.ctx.versions.moveIn(this.share, path, abs, now);
    this.ctx.chunks.relocateFile(this.share, path, VERSIONS_SHARE, this.ctx.versions.relPathFor(this.share, path, now));
    this.report.versioned.push(path);
  }

  /** The scan state now holds what was written, so the next scan does not report it as a local change. */
  private recordLocal(entry: FileEntry, abs: string, leaves?: ChunkRef[]): void {
    const st = lstatSync(abs);
    const row: ScanRow = { ...statEntry(this.share, entry.path, st, entry.type), chunks: entry.type === 'file' ? entry.chunks : EMPTY_LIST, target: entry.target };
    this.ctx.fdb.tx(() => {
      this.ctx.fdb.putScan(row);
      if (leaves) this.ctx.chunks.recordFile(this.share, entry.path, leaves);
    });
  }

  private forgetLocal(path: string): void {
    this.ctx.fdb.tx(() => (this.ctx.fdb.deleteScan(this.share, path), this.ctx.chunks.forgetFile(this.share, path)));
  }
}
