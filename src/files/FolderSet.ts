/**
 * All the synced folders of one station: the facade the sync layer (and the CLI) calls.
 *
 * Layout inside the station directory:
 *   <stationDir>/files/versions/<share>/…     overwritten and deleted files
 * The folder tables and the chunk store are injected ({@link FilesDb}, {@link ChunkStore}); the
 * station's SQLite ones (the files_* tables, `<stationDir>/files/chunks.sqlite`) come from
 * src/store/files/openFolderStores.ts.
 */
import { join } from 'node:path';
import { makeError } from '../errors/RadiosyncError.js';
import { applyEntries, type ApplyItem, type ApplyReport } from './applyEntries.js';
import { ChunkIndex, VERSIONS_SHARE } from './ChunkIndex.js';
import { diagApply, diagScan } from './diagnostics.js';
import { FILES_ERRORS } from './errors.js';
import type { ChunkerOptions } from './FastCdc.js';
import type { ChunkStore } from './ChunkStore.js';
import type { FilesDb } from './FilesDb.js';
import { assertFolderMarker, detectCaseInsensitive, validateFolders, type FolderConfig } from './Folder.js';
import { VERSIONS_KEEP_MS } from './limits.js';
import { cleanTemps } from './safeWrite.js';
import { scanFolder, type ScanOptions, type ScanResult } from './scanFolder.js';
import { cleanupVersions, Versions } from './Versions.js';

export interface FolderSetOptions {
  /** The folder tables: scan state, chunk locations, peer chunks. */
  fdb: FilesDb;
  /** The chunk store (closed by {@link FolderSet.close}). */
  chunkStore: ChunkStore;
  /** The station directory (versions live under `files/versions/`). */
  stationDir: string;
  folders: FolderConfig[];
  /** Wall clock for version names (ms). Default Date.now. */
  now?: () => number;
  /** How long versions are kept (ms). Default VERSIONS_KEEP_MS (30 days). */
  versionsKeepMs?: number;
  /**
   * See ApplyContext.caseInsensitive. Default 'auto': probed once per folder at the first apply
   * (detectCaseInsensitive), so a FAT stick is handled as case-insensitive.
   */
  caseInsensitive?: boolean | 'auto';
  chunker?: ChunkerOptions;
}

export class FolderSet {
  readonly fdb: FilesDb;
  readonly chunks: ChunkIndex;
  readonly versions: Versions;
  private readonly folders = new Map<string, FolderConfig>();
  private readonly opts: FolderSetOptions;

  constructor(opts: FolderSetOptions) {
    validateFolders(opts.folders);
    this.opts = opts;
    for (const f of opts.folders) this.folders.set(f.share, f);
    this.fdb = opts.fdb;
    this.chunks = new ChunkIndex(this.fdb, opts.chunkStore, (s) =>
      s === VERSIONS_SHARE ? this.versions.dir : this.folders.get(s)?.root,
    );
    this.versions = new Versions(join(opts.stationDir, 'files', 'versions'));
  }

  shares(): string[] {
    return [...this.folders.keys()];
  }

  folder(share: string): FolderConfig {
    const f = this.folders.get(share);
    if (!f) throw makeError(FILES_ERRORS, 'RS_ERR_FOLDER_CONFIG', `no folder with share ${share}`, { share });
    return f;
  }

  private readonly caseCache = new Map<string, boolean>();

  private caseInsensitiveFor(share: string): boolean {
    const opt = this.opts.caseInsensitive ?? 'auto';
    if (opt !== 'auto') return opt;
    let v = this.caseCache.get(share);
    if (v === undefined) {
      assertFolderMarker(this.folder(share));
      v = detectCaseInsensitive(this.folder(share).root);
      this.caseCache.set(share, v);
    }
    return v;
  }

  private ctx(share?: string) {
    return {
      fdb: this.fdb,
      chunks: this.chunks,
      versions: this.versions,
      now: this.opts.now ?? Date.now,
      caseInsensitive: share === undefined ? false : this.caseInsensitiveFor(share),
      ...(this.opts.chunker ? { chunker: this.opts.chunker } : {}),
    };
  }

  /** Incremental scan of one folder (or of `opts.scope` in it): the local changes to record. */
  async scan(share: string, opts: ScanOptions = {}): Promise<ScanResult> {
    const r = await scanFolder(this.folder(share), this.ctx(), opts);
    if (diagScan.hasSubscribers) diagScan.publish({ share, stats: r.stats, changes: r.changes.length });
    return r;
  }

  /** Apply decided row states of one folder to disk. */
  async apply(share: string, items: ApplyItem[]): Promise<ApplyReport> {
    const r = await applyEntries(this.folder(share), items, this.ctx(share));
    if (diagApply.hasSubscribers) {
      diagApply.publish({
        share, written: r.written.length, deleted: r.deleted.length, conflictCopies: r.conflictCopies.length,
        deferred: r.deferred.length, rejected: r.rejected.length,
      });
    }
    return r;
  }

  /** Close the chunk store (the folder tables' database belongs to the caller). */
  close(): void {
    this.chunks.close();
  }

  /**
   * Startup/housekeeping: remove crash-left temp files and expired versions, and drop chunks from
   * the chunk store that local files already hold.
   */
  cleanup(): { temps: number; versions: number; chunksDropped: number } {
    let temps = 0;
    for (const f of this.folders.values()) temps += cleanTemps(f.root);
    const now = (this.opts.now ?? Date.now)();
    const versions = cleanupVersions(this.versions, now, this.opts.versionsKeepMs ?? VERSIONS_KEEP_MS, (rel) =>
      this.chunks.forgetFile(VERSIONS_SHARE, rel),
    );
    return { temps, versions, chunksDropped: this.chunks.compact() };
  }
}
