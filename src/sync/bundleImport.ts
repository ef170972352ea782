/**
 * Import a bundle: decode the whole file first (a truncated or corrupt file applies nothing), then
 * apply each changeset addressed here in its own transaction (exactly once), then take the
 * receipts addressed here: the writer's vector (its real holdings: the cursor is set to it), its
 * chunks (only what it lacks is sent next time) and its digest (the verdict in sync / differs).
 */
import { decodeBundle, BundleItemKind } from '../bundle/bundle.js';
import { isRadiosyncError } from '../errors/RadiosyncError.js';
import { openReceipt } from './receipt.js';
import { applyIncoming, type IncomingResult } from './applyIncoming.js';
import type { Station } from '../station/Station.js';
import type { FolderSync } from './FolderSync.js';
import type { VersionVector } from '../changeset/Changeset.js';
import { peerDigest, recordPeerDigest, stateDigest, verdictFor, type Verdict } from './stateDigest.js';

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
  /** The verdict against the writer, after this import (from the two digests). */
  verdict?: Verdict;
  /** Whether this station now holds everything the writer held when it wrote the bundle (by vector). */
  holdsAllOfSender?: boolean;
}

function covers(mine: VersionVector, theirs: VersionVector): boolean {
  return Object.entries(theirs).every(([k, n]) => (mine[k] ?? 0) >= n);
}

/** The rows half of {@link importBundle} (synchronous). */
export function importBundleRecords(station: Station, bytes: Uint8Array, folders?: FolderSync): { result: ImportResult; applied: IncomingResult[]; senderVv?: VersionVector } {
  const bundle = decodeBundle(bytes);
  const r: ImportResult = { from: bundle.from, part: bundle.part, parts: bundle.parts, partsImported: 1, changesets: 0, duplicates: 0, rowsApplied: 0, conflicts: 0, receipts: 0, skipped: [] };
  const applied: IncomingResult[] = [];
  let senderVv: VersionVector | undefined;
  for (const item of bundle.items) {
    try {
      if (item.kind === BundleItemKind.Changeset) {
        const inc = applyIncoming(station, item.data);
        applied.push(inc);
        r.changesets++;
        if (inc.result.duplicate) r.duplicates++;
        r.rowsApplied += inc.result.applied;
        r.conflicts += inc.result.conflicts;
      } else {
        const rc = openReceipt(station, item.data);
        const last = peerDigest(station, rc.from);
        if (last === undefined || rc.at >= last.at) {
          station.records.resetAcked(rc.from, rc.vv);
          recordPeerDigest(station, rc.from, rc.summary, { vv: rc.vv });
          folders?.onReceipt(rc.from, rc.chunks);
          station.records.countSync(rc.from);
        }
        senderVv = rc.vv;
        r.receipts++;
      }
    } catch (e) {
      if (!isRadiosyncError(e)) throw e;
      if (e.code === 'RS_ERR_SYNC_NOT_ADDRESSED' || e.code.startsWith('RS_ERR_AUTH_')) {
        r.skipped.push({ kind: item.kind === BundleItemKind.Changeset ? 'changeset' : 'receipt', code: e.code, message: e.message });
        station.log.bump(`dropped.${e.code}`);
        continue;
      }
      throw e;
    }
  }
  // which parts of this export arrived here
  const key = `bundle:${Buffer.from(bundle.exportId).toString('hex')}`;
  const seen = new Set(station.log.getJson<number[]>(key) ?? []);
  seen.add(bundle.part);
  station.log.setJson(key, [...seen].sort((a, b) => a - b));
  r.partsImported = seen.size;
  return { result: r, applied, ...(senderVv ? { senderVv } : {}) };
}

/** Import a bundle: its rows, then, with folder sync, its files; then the verdict against the writer. */
export async function importBundle(station: Station, bytes: Uint8Array, folders?: FolderSync): Promise<ImportResult> {
  const { result, applied, senderVv } = importBundleRecords(station, bytes, folders);
  if (folders?.enabled) {
    for (const inc of applied) {
      const f = await folders.applyIncoming(inc.changeset, inc.result);
      result.files = (result.files ?? 0) + f.written.length + f.deleted.length;
      result.conflictCopies = (result.conflictCopies ?? 0) + f.conflictCopies.length;
    }
    result.filesPending = folders.pendingRows();
  }
  if (station.isTrusted(result.from)) {
    result.verdict = verdictFor(station, result.from, stateDigest(station, folders));
    if (senderVv) result.holdsAllOfSender = covers(station.records.versionVector(), senderVv) && (result.filesPending ?? 0) === 0;
  }
  return result;
}
