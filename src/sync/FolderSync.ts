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
import { assertFolderMarker, type FolderConfig } from '../files/Folder.js';
import { entryFields, FILES_TABLE, type FileEntry, type FileRowState } from '../files/FileEntry.js';
import type { ApplyItem, ApplyProblem } from '../files/applyEntries.js';
import { allChunkHashes, planChunks } from '../files/planChunks.js';
import { diffFolder, type FolderDiff } from '../files/diffFolder.js';
import { formatFolderDiff } from '../files/formatDiff.js';
import { resolveFileRow, type ResolvedFileRow } from '../files/resolveFileRow.js';
import { RowSyncState, sameVv } from '../files/RowSyncState.js';
import { toHex } from '../files/chunkHash.js';
import type { ScanStats } from '../files/scanFolder.js';

export interface FolderSyncOptions {
  /** Passed to FolderSet (default 'auto': probe each folder once). */
  caseInsensitive?: FolderSetOptions['caseInsensitive'];
  versionsKeepMs?: number;
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

  private constructor(station: Station, set: FolderSet | undefined) {
    this.station = station;
    this.folderSet = set;
    this.enabled = set !== undefined;
    this.state = set === undefined ? undefined : new RowSyncState(station.log.db);
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
      db: station.log.db,
      stationDir: station.layout.home,
      folders,
      now: () => station.clock.now(),
      ...(opts.caseInsensitive !== undefined ? { caseInsensitive: opts.caseInsensitive } : {}),
      ...(opts.versionsKeepMs !== undefined ? { versionsKeepMs: opts.versionsKeepMs } : {}),
    });
    return new FolderSync(station, set);
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
    const report: CaptureReport = { changes: 0, scans: {} };
    if (set === undefined || this.state === undefined) return report;
    for (const share of set.shares()) assertFolderMarker(set.folder(share));
    const local: LocalChange[] = [];
    for (const share of set.shares()) {
      const res = await set.scan(share);
      report.scans[share] = res.stats;
      res.changes.forEach((ch, i) => {
        const seen = this.state!.seen(ch.id) ?? {};
        if (ch.kind === 'delete') {
          local.push({ table: FILES_TABLE, id: ch.id, kind: 'delete', fields: {}, ctx: seen });
          return;
        }
        const row = set.fdb.getScan(share, res.paths[i]!);
        const fields = row === undefined ? ch.fields : entryFields(row);
        local.push({ table: FILES_TABLE, id: ch.id, kind: 'upsert', fields, ctx: seen });
      });
    }
    this.station.records.appendLocal(local);
    report.changes = local.length;
    return report;
  }

  /** Resolve one row from every change the store holds for it. */
  private resolve(id: Uint8Array, filter?: (c: HeldChange) => boolean): ResolvedFileRow | undefined {
    const held = this.station.records.rowHistory(FILES_TABLE, id);
    return resolveFileRow(id, filter === undefined ? held : held.filter(filter));
  }

  /**
   * Add to a changeset built for `peers` the chunks they lack (by acknowledged manifests) for the
   * versions of its `@files` rows that can still matter: each row's current winner and its
   * concurrent live versions (conflict copies). A rename or copy adds nothing; a mid-file edit
   * adds the changed data chunks plus one or two list chunks.
   */
  attachChunks(cs: Changeset, peers: StationId[]): Changeset {
    const set = this.folderSet;
    if (set === undefined) return cs;
    const inCs = fileRoots(cs.changes);
    if (inCs.length === 0) return cs;
    const roots: Uint8Array[] = [];
    for (const id of uniqueIds(inCs.map((r) => r.change.id))) {
      const r = this.resolve(id);
      if (r === undefined) continue;
      for (const v of [r.winner, ...r.losers]) if (!v.deleted && v.entry.type === 'file') roots.push(v.entry.chunks);
    }
    const already = new Set(cs.chunks.map((c) => toHex(c.hash)));
    const plan = planChunks(set.chunks, roots, (h) => already.has(toHex(h)) || peers.every((p) => set.chunks.peerHas(p, h)));
    if (plan.chunks.length === 0) return cs;
    return { ...cs, chunks: [...cs.chunks, ...plan.chunks] };
  }

  /**
   * After `records.applyChangeset(cs)`: store the changeset's chunks, then bring every `@files`
   * row it touched (and every row still pending) in line with the state resolved from all changes
   * held for it. Rows whose resolved state is already on disk are skipped, so a re-delivered or
   * reordered changeset converges to the same files. Never throws for a folder problem: a missing
   * root marker leaves that share's rows pending (reported in `refusedShares`).
   */
  async applyIncoming(cs: Changeset, result?: Pick<ApplyResult, 'duplicate'>): Promise<FolderApplyReport> {
    const set = this.folderSet;
    const state = this.state;
    const report = emptyReport();
    if (set === undefined || state === undefined) return report;
    report.chunksStored = set.chunks.putMany(cs.chunks).length;
    const touched = result?.duplicate === true ? [] : cs.changes.filter((c) => c.table === FILES_TABLE).map((c) => c.id);
    const ids = uniqueIds([...touched, ...state.pending()]);
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
      for (const r of rows) {
        if (deferredPaths.has(r.item.winner.entry.path)) pending.push(r.id);
        else applied.push({ id: r.id, vv: r.vv });
      }
    }
    state.markApplied(applied);
    state.markPending(pending, this.station.clock.now());
    // The sender holds what it sent and the content of the entries it made: never send those back.
    const senderHas = cs.chunks.map((c) => c.hash);
    for (const { change, root } of fileRoots(cs.changes)) {
      if (change.origin === cs.from) senderHas.push(...allChunkHashes(set.chunks, root));
    }
    if (senderHas.length > 0) set.chunks.markPeerHas(cs.from, senderHas);
    report.pending = state.pendingCount();
    return report;
  }

  /** `peer` acknowledged `cs` as durably applied: it holds the chunks of every entry in it. */
  onAcknowledged(peer: StationId, cs: Changeset): void {
    const set = this.folderSet;
    if (set === undefined) return;
    const hashes = cs.chunks.map((c) => c.hash);
    for (const { root } of fileRoots(cs.changes)) hashes.push(...allChunkHashes(set.chunks, root));
    if (hashes.length > 0) set.chunks.markPeerHas(peer.toUpperCase(), hashes);
  }

  /**
   * Like onAcknowledged, for a sender that kept only the version vectors: the peer's cursor moved
   * from `before` to `upto`, so it holds the chunks of every `@files` upsert in between.
   */
  onAcknowledgedRange(peer: StationId, before: VersionVector, upto: VersionVector): void {
    const set = this.folderSet;
    if (set === undefined) return;
    const ranges: Record<string, [number, number]> = {};
    for (const [o, hi] of Object.entries(upto)) if (hi > (before[o] ?? 0)) ranges[o] = [before[o] ?? 0, hi];
    if (Object.keys(ranges).length === 0) return;
    const hashes: Uint8Array[] = [];
    for (const id of this.station.records.rowIds(FILES_TABLE, ranges)) {
      for (const c of this.station.records.rowHistory(FILES_TABLE, id)) {
        const r = ranges[c.origin];
        const root = c.fields['chunks'];
        if (r === undefined || c.seq <= r[0] || c.seq > r[1] || c.kind !== 'upsert' || !(root instanceof Uint8Array)) continue;
        if (c.fields['type'] === 'file') hashes.push(...allChunkHashes(set.chunks, root));
      }
    }
    if (hashes.length > 0) set.chunks.markPeerHas(peer.toUpperCase(), hashes);
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
