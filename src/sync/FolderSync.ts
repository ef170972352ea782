/**
 * Folder sync over the record store: file entries travel as rows of the reserved table `@files`
 * in the same changesets as database rows, and file content travels as chunks beside them.
 *
 *   capture()        scan every folder → `@files` changes appended to the log as this station's own
 *                    (origin, next seq, HLC, causal context) — records.appendLocal
 *   attachChunks()   a changeset built for peers → plus the chunks (data and list) they lack
 *   applyIncoming()  after records.applyChangeset: store the chunks, resolve every touched row
 *                    from ALL changes held for it (whole row, edit beats delete), write it to disk
 *                    with conflict copies; deferred rows are retried on the next apply
 *   onAcknowledged() the peer acknowledged a changeset: it now holds the chunks of its entries
 *
 * The store holds, relays and acknowledges `@files` rows like any other; this class is the only
 * place that turns them into files. A station without folders gets a no-op FolderSync.
 */
import type { Changeset, RowChange, StationId, VersionVector } from '../changeset/Changeset.js';
import type { ApplyResult } from '../store/apply.js';
import type { HeldChange } from '../store/merge.js';
import type { LocalChange } from '../store/localChanges.js';
import type { Station } from '../station/Station.js';
import { resolveInHome } from '../station/home.js';
import { isRadiosyncError } from '../errors/RadiosyncError.js';
import { FolderSet, type FolderSetOptions } from '../files/FolderSet.js';
import { openFolderStores } from '../store/files/openFolderStores.js';
import { SqliteRowSyncState } from '../store/files/sqliteRowSyncState.js';
import { assertFolderMarker, type FolderConfig } from '../files/Folder.js';
import { entryFields, FILES_TABLE, type FileEntry, type FileRowState } from '../files/FileEntry.js';
import type { ApplyItem, ApplyProblem } from '../files/applyEntries.js';
import type { FileProblem } from '../files/RowSyncState.js';
import { allChunkHashes, peerLacksAny, planChunks } from '../files/planChunks.js';
import { diffFolder, type FolderDiff } from '../files/diffFolder.js';
import { formatFolderDiff } from '../files/formatDiff.js';
import { resolveFileRow, type ResolvedFileRow } from '../files/resolveFileRow.js';
import { sameVv, type RowSyncState } from '../files/RowSyncState.js';
import { toHex } from '../files/chunkHash.js';
import type { ScanStats } from '../files/scanFolder.js';

/**
 * Most chunk bytes attachChunks adds to one changeset: 4 MiB. The receiver refuses a changeset that
 * inflates past `limits.inflated_bytes` (16 MiB by default), so a large folder's first sync must be
 * split: what does not fit goes in later changesets (the rows wait at the receiver meanwhile). At
 * 1200 bit/s 4 MiB is already hours on air, so the bound never slows a radio link down.
 */
export const MAX_CHANGESET_CHUNK_BYTES = 4 * 1024 * 1024;

export interface FolderSyncOptions {
  /** Passed to FolderSet (default 'auto': probe each folder once). */
  caseInsensitive?: FolderSetOptions['caseInsensitive'];
  versionsKeepMs?: number;
  /** Chunk bytes per changeset (default {@link MAX_CHANGESET_CHUNK_BYTES}). */
  maxChunkBytes?: number;
}

/**
 * What a sent changeset carried for folder sync, small enough to keep with the outbound transfer
 * (JSON) until the peer acknowledges it: the `@files` row ids and the chunk hashes (hex).
 */
export interface SentFiles {
  ids: string[];
  chunks: string[];
}

/** For a changeset that continues earlier ones of the same session or bundle (attachChunks). */
export interface AttachMore {
  /** `@files` rows whose chunks are still to go (carried by an earlier changeset of the batch). */
  ids?: Uint8Array[];
  /** Chunks an earlier changeset of the batch already carries. */
  has?: (hash: Uint8Array) => boolean;
  /** Chunk bytes for this changeset (default: the FolderSync's cap). */
  maxBytes?: number;
}

export interface CaptureReport {
  /** `@files` changes recorded in the log. */
  changes: number;
  /** Per share: the scan's statistics. */
  scans: Record<string, ScanStats>;
}

export interface FolderApplyReport {
  /** `@files` rows resolved (touched by the changeset, plus pending ones retried). */
  rows: number;
  /** Rows skipped because their resolved state is already on disk (e.g. a re-delivered changeset). */
  unchanged: number;
  /** Chunks stored from the changeset (verified; bad ones dropped). */
  chunksStored: number;
  /** `share/path` written, deleted, and conflict copies made. */
  written: string[];
  deleted: string[];
  conflictCopies: string[];
  /** Rows not applied yet (missing chunks, local edit in the way, folder not mounted): retried later. */
  deferred: Array<ApplyProblem & { share: string }>;
  /** Rows that can never apply (bad path, bad chunk list): dropped. */
  rejected: Array<ApplyProblem & { share: string }>;
  /** Shares whose folder refused the apply (root marker missing): their rows stay pending. */
  refusedShares: string[];
  /** Rows of shares not synced at this station: held and relayed only. */
  relayedOnly: number;
  /** Rows still pending after this apply. */
  pending: number;
}

function emptyReport(): FolderApplyReport {
  return {
    rows: 0, unchanged: 0, chunksStored: 0, written: [], deleted: [], conflictCopies: [], deferred: [], rejected: [],
    refusedShares: [], relayedOnly: 0, pending: 0,
  };
}

/** The `@files` upserts of a changeset whose entry names a file, with their root chunk lists. */
function fileRoots(changes: readonly RowChange[]): Array<{ change: RowChange; root: Uint8Array }> {
  const out: Array<{ change: RowChange; root: Uint8Array }> = [];
  for (const c of changes) {
    if (c.table !== FILES_TABLE || c.kind !== 'upsert') continue;
    const root = c.fields['chunks'];
    if (c.fields['type'] === 'file' && root instanceof Uint8Array) out.push({ change: c, root });
  }
  return out;
}

function uniqueIds(ids: Iterable<Uint8Array>): Uint8Array[] {
  const seen = new Set<string>();
  const out: Uint8Array[] = [];
  for (const id of ids) {
    const k = toHex(id);
    if (!seen.has(k)) {
      seen.add(k);
      out.push(id);
    }
  }
  return out;
}

export class FolderSync {
  /** False when the station has no folders: every method is a cheap no-op. */
  readonly enabled: boolean;
  private readonly station: Station;
  private readonly folderSet: FolderSet | undefined;
  private readonly state: RowSyncState | undefined;
  private readonly maxChunkBytes: number;
  private tail: Promise<unknown> = Promise.resolve();

  private constructor(station: Station, set: FolderSet | undefined, opts: FolderSyncOptions = {}) {
    this.station = station;
    this.maxChunkBytes = opts.maxChunkBytes ?? MAX_CHANGESET_CHUNK_BYTES;
    this.folderSet = set;
    this.enabled = set !== undefined;
    this.state = set === undefined ? undefined : new SqliteRowSyncState(station.log.db);
  }

  /**
   * Folder sync for a station: a FolderSet over its configured folders (relative paths resolved
   * against the station directory), its tables in the station database, the chunk store and the
   * versions under `<home>/files/`. Throws RS_ERR_FOLDER_CONFIG for a bad folder name.
   */
  static open(station: Station, opts: FolderSyncOptions = {}): FolderSync {
    const folders: FolderConfig[] = Object.entries(station.config.folders ?? {}).map(([share, path]) => ({
      share,
      root: resolveInHome(station.layout.home, path),
    }));
    if (folders.length === 0) return new FolderSync(station, undefined);
    const set = new FolderSet({
      ...openFolderStores(station.log.db, station.layout.home),
      stationDir: station.layout.home,
      folders,
      now: () => station.clock.now(),
      ...(opts.caseInsensitive !== undefined ? { caseInsensitive: opts.caseInsensitive } : {}),
      ...(opts.versionsKeepMs !== undefined ? { versionsKeepMs: opts.versionsKeepMs } : {}),
    });
    return new FolderSync(station, set, opts);
  }

  /** The FolderSet (undefined without folders): for cleanup(), the watcher, and tests. */
  get set(): FolderSet | undefined {
    return this.folderSet;
  }

  /**
   * Scan every folder and record what changed as this station's own `@files` changes. Every root
   * marker is checked first: a missing one throws RS_ERR_FOLDER_MARKER_MISSING and nothing is
   * scanned or recorded. Upserts carry the whole entry (so any station can resolve the row as a
   * whole), stamped with the causal context the disk reflects for the row.
   */
  async capture(): Promise<CaptureReport> {
    const set = this.folderSet;
    const state = this.state;
    const report: CaptureReport = { changes: 0, scans: {} };
    if (set === undefined || state === undefined) return report;
    return this.serial(() => this.captureNow(set, state, report));
  }

  /**
   * Scans and applies never overlap (a scan must not record a file an apply is half-way through):
   * they run one after another, in call order.
   */
  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.tail.then(fn, fn);
    this.tail = run.catch(() => undefined);
    return run;
  }

  private async captureNow(set: FolderSet, state: RowSyncState, report: CaptureReport): Promise<CaptureReport> {
    for (const share of set.shares()) assertFolderMarker(set.folder(share));
    for (const share of set.shares()) {
      // The scan journals its changes in the same transactions as its scan state.
      const res = await set.scan(share, { journal: (changes, paths) => state.journal(share, changes, paths) });
      report.scans[share] = res.stats;
    }
    report.changes = this.recordJournal();
    return report;
  }

  /** Move journaled scan changes (this scan's, and any a crash left) into the record store. */
  private recordJournal(): number {
    const set = this.folderSet!;
    const state = this.state!;
    const rows = state.journaled();
    if (rows.length === 0) return 0;
    const local: LocalChange[] = [];
    for (const r of rows) {
      const ctx = state.seen(r.id) ?? {};
      if (r.kind === 'delete') {
        local.push({ table: FILES_TABLE, id: r.id, kind: 'delete', fields: {}, ctx });
        continue;
      }
      // The whole entry as scanned (so any station can resolve the row as a whole).
      const row = set.fdb.getScan(r.share, r.path);
      if (row === undefined) continue; // gone since: a later journal row deletes it
      local.push({ table: FILES_TABLE, id: r.id, kind: 'upsert', fields: entryFields(row), ctx });
    }
    // A crash between these two lines records the same entries again next time: harmless (same content).
    this.station.records.appendLocal(local);
    state.clearJournal(rows[rows.length - 1]!.n);
    return local.length;
  }

  /** Resolve one row from every change the store holds for it. */
  private resolve(id: Uint8Array, filter?: (c: HeldChange) => boolean): ResolvedFileRow | undefined {
    const held = this.station.records.rowHistory(FILES_TABLE, id);
    return resolveFileRow(id, filter === undefined ? held : held.filter(filter));
  }

  /** Root chunk lists of the versions of a row that can still matter: its winner and conflict losers. */
  private liveRoots(id: Uint8Array): Uint8Array[] {
    const r = this.resolve(id);
    if (r === undefined) return [];
    return [r.winner, ...r.losers].filter((v) => !v.deleted && v.entry.type === 'file').map((v) => v.entry.chunks);
  }

  /**
   * Add to a changeset built for `peers` the chunks they lack (by acknowledged manifests) for the
   * versions of its `@files` rows that can still matter (each row's current winner and its
   * concurrent live versions), then for rows acknowledged earlier whose chunks did not all fit.
   * A rename or copy adds nothing; a mid-file edit adds the changed data chunks plus one or two
   * list chunks. At most `maxChunkBytes` of chunks; the rest follows in later changesets.
   */
  attachChunks(cs: Changeset, peers: StationId[], more: AttachMore = {}): Changeset {
    const set = this.folderSet;
    const state = this.state;
    if (set === undefined || state === undefined) return cs;
    const calls = peers.map((p) => p.toUpperCase());
    const ids = uniqueIds([
      ...cs.changes.filter((c) => c.table === FILES_TABLE && c.kind === 'upsert').map((c) => c.id),
      ...calls.flatMap((p) => state.owed(p)),
      ...(more.ids ?? []),
    ]);
    if (ids.length === 0) return cs;
    const roots = ids.flatMap((id) => this.liveRoots(id));
    const already = new Set(cs.chunks.map((c) => toHex(c.hash)));
    const budget = Math.max(0, this.maxChunkBytes - cs.chunks.reduce((n, c) => n + c.data.length, 0));
    const plan = planChunks(set.chunks, roots, (h) => already.has(toHex(h)) || more.has?.(h) === true || calls.every((p) => set.chunks.peerHas(p, h)), { maxBytes: more.maxBytes ?? budget });
    if (plan.chunks.length === 0) return cs;
    return { ...cs, chunks: [...cs.chunks, ...plan.chunks] };
  }

  /** What `cs` carried for folder sync, to keep until the peer acknowledges it (see onAcknowledged). */
  static sentFiles(cs: Changeset): SentFiles {
    return {
      ids: uniqueIds(cs.changes.filter((c) => c.table === FILES_TABLE).map((c) => c.id)).map(toHex),
      chunks: cs.chunks.map((c) => toHex(c.hash)),
    };
  }

  /**
   * After `records.applyChangeset(cs)`: store the changeset's chunks, then bring every `@files`
   * row it touched (and every row still pending) in line with the state resolved from all changes
   * held for it. Rows whose resolved state is already on disk are skipped, so a re-delivered or
   * reordered changeset converges to the same files. Never throws for a folder problem: a missing
   * root marker leaves that share's rows pending (reported in `refusedShares`).
   *
   * The chunks and the touched rows (as pending) are stored synchronously, before the returned
   * promise is first awaited, so a caller that cannot wait (a receipt sent from a synchronous
   * callback) may start this and let it finish later: after a crash, `retryPending()` finishes it.
   * Applies and captures run one at a time, in call order.
   */
  applyIncoming(cs: Changeset, result?: Pick<ApplyResult, 'duplicate'> & Partial<Pick<ApplyResult, 'late'>>): Promise<FolderApplyReport> {
    const set = this.folderSet;
    const state = this.state;
    const report = emptyReport();
    if (set === undefined || state === undefined) return Promise.resolve(report);
    report.chunksStored = set.chunks.putMany(cs.chunks).length;
    const touched = result?.duplicate === true ? [] : [...cs.changes, ...(result?.late ?? [])].filter((c) => c.table === FILES_TABLE).map((c) => c.id);
    state.markPending(uniqueIds(touched), this.station.clock.now());
    // The sender holds what it sent and the content of the entries it made: never send those back.
    const senderHas = cs.chunks.map((c) => c.hash);
    for (const { change, root } of fileRoots(cs.changes)) {
      if (change.origin === cs.from) senderHas.push(...allChunkHashes(set.chunks, root));
    }
    if (senderHas.length > 0) set.chunks.markPeerHas(cs.from, senderHas);
    return this.serial(() => this.applyPending(set, state, report));
  }

  /** Resolve every pending row and write it to disk. */
  private async applyPending(set: FolderSet, state: RowSyncState, report: FolderApplyReport): Promise<FolderApplyReport> {
    const ids = state.pending();
    const shares = new Set(set.shares());
    const byShare = new Map<string, Array<{ item: ApplyItem; id: Uint8Array; vv: VersionVector }>>();
    const applied: Array<{ id: Uint8Array; vv: VersionVector }> = [];
    for (const id of ids) {
      const r = this.resolve(id);
      report.rows++;
      if (r === undefined) {
        applied.push({ id, vv: {} }); // nothing to write (e.g. only a delete of a row never held)
        continue;
      }
      if (!shares.has(r.winner.entry.share)) {
        report.relayedOnly++;
        applied.push({ id, vv: r.vv });
        continue;
      }
      if (sameVv(state.seen(id), r.vv)) {
        report.unchanged++;
        state.markApplied([{ id, vv: r.vv }]);
        continue;
      }
      let l = byShare.get(r.winner.entry.share);
      if (l === undefined) byShare.set(r.winner.entry.share, (l = []));
      l.push({ item: { winner: r.winner, losers: r.losers }, id, vv: r.vv });
    }
    const pending: Uint8Array[] = [];
    for (const [share, rows] of byShare) {
      let rep;
      try {
        rep = await set.apply(share, rows.map((r) => r.item));
      } catch (e) {
        if (!isRadiosyncError(e, 'RS_ERR_FOLDER_MARKER_MISSING')) throw e;
        report.refusedShares.push(share);
        pending.push(...rows.map((r) => r.id));
        continue;
      }
      const name = (p: string): string => `${share}/${p}`;
      report.written.push(...rep.written.map(name));
      report.deleted.push(...rep.deleted.map(name));
      report.conflictCopies.push(...rep.conflictCopies.map(name));
      report.deferred.push(...rep.deferred.map((d) => ({ ...d, share })));
      report.rejected.push(...rep.rejected.map((d) => ({ ...d, share })));
      const deferredPaths = new Set(rep.deferred.map((d) => d.path));
      const problems = new Map([...rep.rejected, ...rep.deferred].map((d) => [d.path, d]));
      for (const r of rows) {
        const p = problems.get(r.item.winner.entry.path);
        const keep = p !== undefined && p.code !== 'RS_ERR_FILES_CHUNK_MISSING' && p.code !== 'RS_ERR_FILES_TARGET_CHANGED';
        state.noteProblem(r.id, keep ? { path: name(p.path), code: p.code, message: p.message, since: this.station.clock.now() } : undefined);
      }
      for (const r of rows) {
        if (deferredPaths.has(r.item.winner.entry.path)) pending.push(r.id);
        else applied.push({ id: r.id, vv: r.vv });
      }
    }
    state.markApplied(applied);
    state.markPending(pending, this.station.clock.now());
    report.pending = state.pendingCount();
    return report;
  }

  /**
   * `peer` acknowledged a changeset as durably applied: it now holds the chunks that changeset
   * carried (and, as before, what it already held). Rows of the changeset, and rows owed from
   * earlier, whose chunks the peer still lacks stay owed: attachChunks sends them next time.
   */
  onAcknowledged(peer: StationId, sent: Changeset | SentFiles): void {
    const set = this.folderSet;
    const state = this.state;
    if (set === undefined || state === undefined) return;
    const call = peer.toUpperCase();
    const s = 'changes' in sent ? FolderSync.sentFiles(sent) : sent;
    const fromHex = (h: string): Uint8Array => new Uint8Array(Buffer.from(h, 'hex'));
    if (s.chunks.length > 0) set.chunks.markPeerHas(call, s.chunks.map(fromHex));
    const ids = uniqueIds([...s.ids.map(fromHex), ...state.owed(call)]);
    const has = (h: Uint8Array): boolean => set.chunks.peerHas(call, h);
    state.setOwed(call, ids.map((id) => ({ id, owed: this.liveRoots(id).some((root) => peerLacksAny(root, has)) })));
  }

  /**
   * A receipt from `peer` listed the chunks it holds: that replaces what this station believed
   * (chunks marked as held but not listed — "you thought I had this chunk" — are unmarked), and
   * every `@files` row whose chunks it lacks becomes owed, so the next changeset sends just those.
   */
  onReceipt(peer: StationId, held: Uint8Array[]): void {
    const set = this.folderSet;
    const state = this.state;
    if (set === undefined || state === undefined) return;
    const call = peer.toUpperCase();
    const heldSet = new Set(held.map(toHex));
    const ids = this.station.records.rowIds(FILES_TABLE);
    const stale: Uint8Array[] = [];
    for (const id of ids) {
      for (const root of this.liveRoots(id)) {
        for (const h of allChunkHashes(set.chunks, root)) if (!heldSet.has(toHex(h)) && set.chunks.peerHas(call, h)) stale.push(h);
      }
    }
    if (stale.length > 0) set.chunks.unmarkPeerHas(call, stale);
    if (held.length > 0) set.chunks.markPeerHas(call, held);
    const has = (h: Uint8Array): boolean => set.chunks.peerHas(call, h);
    state.setOwed(call, ids.map((id) => ({ id, owed: this.liveRoots(id).some((root) => peerLacksAny(root, has)) })));
  }

  /** The chunks this station holds for the live versions of its `@files` rows (for receipts). */
  heldChunks(): Uint8Array[] {
    const set = this.folderSet;
    if (set === undefined) return [];
    const out = new Map<string, Uint8Array>();
    for (const id of this.station.records.rowIds(FILES_TABLE)) {
      for (const root of this.liveRoots(id)) for (const h of allChunkHashes(set.chunks, root)) if (set.chunks.has(h)) out.set(toHex(h), h);
    }
    return [...out.values()];
  }

  /** The live entries `peer` holds, as far as this station knows (what it acknowledged, and its own changes). */
  private peerEntries(peer: StationId): FileEntry[] {
    const acked = this.station.records.peer(peer)?.acked ?? {};
    const has = (c: HeldChange): boolean => c.origin === peer || (acked[c.origin] ?? 0) >= c.seq;
    const out: FileEntry[] = [];
    for (const id of this.station.records.rowIds(FILES_TABLE)) {
      const r = this.resolve(id, has);
      if (r !== undefined && !r.winner.deleted) out.push(r.winner.entry);
    }
    return out;
  }

  /**
   * `radiosync diff`: capture first (so the scan's changes are recorded, not lost), then compare
   * each folder with what `peer` holds: added, changed, moved, copied, deleted, with bytes on air.
   */
  async diff(peer: StationId): Promise<{ diffs: FolderDiff[]; text: string }> {
    const set = this.folderSet;
    if (set === undefined) return { diffs: [], text: 'no folders configured' };
    const call = peer.toUpperCase();
    await this.capture();
    const entries = this.peerEntries(call);
    const diffs = set.shares().map((share) => diffFolder(set, share, call, entries));
    return { diffs, text: diffs.map((d) => formatFolderDiff(d)).join('\n') };
  }

  /**
   * Retry the rows waiting to be applied (e.g. after a capture recorded the local edit that made
   * an incoming version wait: it now resolves as a conflict, and the loser becomes a copy).
   */
  async retryPending(): Promise<FolderApplyReport> {
    return this.applyIncoming({ version: 1, from: this.station.callsign, to: [], created: 0, upto: {}, changes: [], chunks: [] });
  }

  /** Entries that could not be applied (bad entry, disk full, write failed), newest first. */
  problems(limit?: number): FileProblem[] {
    return this.state?.problems(limit) ?? [];
  }

  /** Rows waiting to be applied (missing chunks, local edits in the way, folder not mounted). */
  pendingRows(): number {
    return this.state?.pendingCount() ?? 0;
  }

  /** The resolved state of every `@files` row of a share (for status and tests). */
  rows(share?: string): FileRowState[] {
    if (this.folderSet === undefined) return [];
    const out: FileRowState[] = [];
    for (const id of this.station.records.rowIds(FILES_TABLE)) {
      const r = this.resolve(id);
      if (r !== undefined && (share === undefined || r.winner.entry.share === share)) out.push(r.winner);
    }
    return out;
  }

  /** Close the chunk store (the station's databases belong to the Station). */
  close(): void {
    this.folderSet?.close();
  }
}
