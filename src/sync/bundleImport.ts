/**
 * Import a bundle: the whole file is verified first (a truncated or corrupt file applies nothing),
 * then its items are applied one at a time, in order — each changeset addressed here in its own
 * transaction (exactly once) with, under folder sync, its files written before the next item is
 * read, so memory is bounded by one item whatever the bundle's size ({@link importBundleFile}
 * streams it from disk, src/bundle/bundleFile.ts) — and each receipt addressed here taken: the
 * writer's vector (its real holdings: the cursor is set to it), its chunks (only what it lacks is
 * sent next time) and its digest (the verdict in sync / differs). A changeset that does not
 * decode, verify or address this station is skipped and reported; the rest is applied.
 */
import { retryParkedRows } from './captureRecords.js';
import { decodeBundle, BundleItemKind } from '../bundle/bundle.js';
import { openBundleFile } from '../bundle/bundleFile.js';
import { isRadiosyncError, makeError } from '../errors/RadiosyncError.js';
import { FILES_ERRORS } from '../files/errors.js';
import { openReceipt } from './receipt.js';
import { applyIncoming, type IncomingResult } from './applyIncoming.js';
import type { Station } from '../station/Station.js';
import type { FolderSync } from './FolderSync.js';
import type { VersionVector } from '../changeset/Changeset.js';
import { peerDigest, recordPeerDigest, stateCount, verdictFor, type Verdict } from './stateDigest.js';

export interface ImportResult {
  from: string;
  /** This bundle's place in its export (1 of 1 unless the export was split). */
  part: number;
  parts: number;
  /** Parts of this export imported here so far (this one included). */
  partsImported: number;
  changesets: number;
  duplicates: number;
  rowsApplied: number;
  conflicts: number;
  receipts: number;
  /** File entries written or removed (folder sync). */
  files?: number;
  /** Conflict copies written (folder sync). */
  conflictCopies?: number;
  /** `@files` rows still waiting (chunks not arrived yet, or a local edit in the way). */
  filesPending?: number;
  /** Items not for this station, or from untrusted stations, with the reason code. */
  skipped: Array<{ kind: string; code: string; message: string }>;
  /** Row changes refused inside applied changesets (own origin, unsigned, gap…): see `status`. */
  refused: number;
  /** The verdict against the writer, after this import (from the two digests). */
  verdict?: Verdict;
  /** Whether this station now holds everything the writer held when it wrote the bundle (by vector). */
  holdsAllOfSender?: boolean;
  /** Rows held here but not yet written to the application's tables (parked), after this import. */
  waiting?: number;
}

/** A bundle's header fields and its items, each read only when asked for. */
interface ItemSource {
  from: string;
  exportId: Uint8Array;
  part: number;
  parts: number;
  items: Iterable<{ kind: number; data: () => Uint8Array }>;
}

function covers(mine: VersionVector, theirs: VersionVector): boolean {
  return Object.entries(theirs).every(([k, n]) => (mine[k] ?? 0) >= n);
}

function emptyResult(src: ItemSource): ImportResult {
  return { from: src.from, part: src.part, parts: src.parts, partsImported: 1, changesets: 0, duplicates: 0, rowsApplied: 0, conflicts: 0, receipts: 0, skipped: [], refused: 0 };
}

/** One item's rows or receipt. A refused item is reported in `r.skipped`; returns the applied changeset, if any. */
function importRecordItem(station: Station, item: { kind: number; data: () => Uint8Array }, r: ImportResult, folders: FolderSync | undefined, sender: { vv?: VersionVector }): IncomingResult | undefined {
  try {
    if (item.kind === BundleItemKind.Changeset) {
      const inc = applyIncoming(station, item.data());
      r.changesets++;
      if (inc.result.duplicate) r.duplicates++;
      r.rowsApplied += inc.result.applied;
      r.conflicts += inc.result.conflicts;
      r.refused += inc.result.refused.reduce((n, x) => n + x.rows, 0);
      return inc;
    }
    const rc = openReceipt(station, item.data());
    const last = peerDigest(station, rc.from);
    if (last === undefined || rc.at >= last.at) {
      station.records.resetAcked(rc.from, rc.vv);
      recordPeerDigest(station, rc.from, rc.summary, { vv: rc.vv });
      folders?.onReceipt(rc.from, rc.chunks);
      station.records.countSync(rc.from);
    }
    sender.vv = rc.vv;
    r.receipts++;
  } catch (e) {
    if (!isRadiosyncError(e)) throw e;
    if (e.code === 'RS_ERR_SYNC_NOT_ADDRESSED' || e.code.startsWith('RS_ERR_AUTH_') || e.code.startsWith('RS_ERR_CHANGESET_')) {
      r.skipped.push({ kind: item.kind === BundleItemKind.Changeset ? 'changeset' : 'receipt', code: e.code, message: e.message });
      station.log.bump(`dropped.${e.code}`);
      return undefined;
    }
    throw e;
  }
  return undefined;
}

function notePart(station: Station, src: ItemSource, r: ImportResult): void {
  const key = `bundle:${Buffer.from(src.exportId).toString('hex')}`;
  const seen = new Set(station.log.getJson<number[]>(key) ?? []);
  seen.add(src.part);
  station.log.setJson(key, [...seen].sort((a, b) => a - b));
  r.partsImported = seen.size;
}

/** The rows half of {@link importBundle}, synchronously and item by item (no folder files). */
export function importBundleRecords(station: Station, bytes: Uint8Array, folders?: FolderSync): { result: ImportResult; senderVv?: VersionVector } {
  const b = decodeBundle(bytes);
  const src: ItemSource = { ...b, items: b.items.map((i) => ({ kind: i.kind, data: () => i.data })) };
  const r = emptyResult(src);
  const sender: { vv?: VersionVector } = {};
  retryParkedRows(station);
  for (const item of src.items) importRecordItem(station, item, r, folders, sender);
  notePart(station, src, r);
  return { result: r, ...(sender.vv ? { senderVv: sender.vv } : {}) };
}

async function importFrom(station: Station, src: ItemSource, folders?: FolderSync): Promise<ImportResult> {
  retryParkedRows(station);
  const r = emptyResult(src);
  const sender: { vv?: VersionVector } = {};
  const noSpace: string[] = [];
  for (const item of src.items) {
    const inc = importRecordItem(station, item, r, folders, sender);
    if (inc !== undefined && folders?.enabled) {
      const f = await folders.applyIncoming(inc.changeset, inc.result);
      r.files = (r.files ?? 0) + f.written.length + f.deleted.length;
      r.conflictCopies = (r.conflictCopies ?? 0) + f.conflictCopies.length;
      for (const d of f.deferred) if (d.code === 'RS_ERR_FILES_NO_SPACE') noSpace.push(`${d.share}/${d.path}`);
    }
  }
  notePart(station, src, r);
  if (folders?.enabled) r.filesPending = folders.pendingRows();
  if (station.isTrusted(r.from)) {
    r.verdict = verdictFor(station, r.from, stateCount(station, folders));
    if (sender.vv) r.holdsAllOfSender = covers(station.records.versionVector(), sender.vv) && (r.filesPending ?? 0) === 0;
  }
  r.waiting = station.records.parkedCount();
  if (noSpace.length > 0) {
    // The rows are applied; these files are not on disk: not a success (exit 73), retried once space is freed.
    throw makeError(FILES_ERRORS, 'RS_ERR_FILES_NO_SPACE', `disk full: ${noSpace.length} file(s) not written (${noSpace.slice(0, 3).join(', ')}${noSpace.length > 3 ? ', …' : ''}); free space and import again`, { files: noSpace, result: r });
  }
  return r;
}

/** Import a bundle held in memory: its rows and, with folder sync, its files, item by item; then the verdict against the writer. */
export async function importBundle(station: Station, bytes: Uint8Array, folders?: FolderSync): Promise<ImportResult> {
  const b = decodeBundle(bytes);
  return importFrom(station, { ...b, items: b.items.map((i) => ({ kind: i.kind, data: () => i.data })) }, folders);
}

/** Import a bundle file without reading it whole (src/bundle/bundleFile.ts): what `radiosync import` uses. */
export async function importBundleFile(station: Station, path: string, folders?: FolderSync): Promise<ImportResult> {
  const file = openBundleFile(path);
  try {
    return await importFrom(station, { ...file, items: file.items.map((ref) => ({ kind: ref.kind, data: () => file.read(ref) })) }, folders);
  } finally {
    file.close();
  }
}
