/**
 * Sync by USB stick or email: the same signed changesets and receipts as on air, in one file
 * (src/bundle/bundle.ts). Export builds one changeset for the whole group of addressees (from the
 * least any of them acknowledged) plus a receipt for each addressee saying what this station holds.
 * Import applies what is addressed here, idempotently, and takes receipts addressed here.
 */
import { decodeBundle, encodeBundle, BundleItemKind, type BundleItem } from '../bundle/bundle.js';
import { isRadiosyncError, makeError } from '../errors/RadiosyncError.js';
import { SYNC_ERRORS } from './errors.js';
import { STATION_ERRORS } from '../station/errors.js';
import { sealChangeset } from './signedChangeset.js';
import { buildGroupChangeset } from './groupChangeset.js';
import { openReceipt, sealReceipt } from './receipt.js';
import { applyIncoming, type IncomingResult } from './applyIncoming.js';
import type { Station } from '../station/Station.js';
import type { FolderSync } from './FolderSync.js';

export interface ExportResult {
  bytes: Uint8Array;
  to: string[];
  rows: number;
  changesetBytes: number;
  receipts: number;
}

/**
 * Build the bundle. With folder sync, call `await folders.capture()` first so the latest file
 * changes are in the log; their chunks are attached here.
 */
export function exportBundle(station: Station, to: string[], folders?: FolderSync): ExportResult {
  if (to.length === 0) throw makeError(SYNC_ERRORS, 'RS_ERR_SYNC_NO_PEERS', 'export needs --to CALL[,CALL…]');
  const peers = to.map((c) => c.toUpperCase());
  for (const p of peers) {
    if (!station.isTrusted(p)) throw makeError(STATION_ERRORS, 'RS_ERR_PEER_UNKNOWN', `${p} is not a known peer: add it with \`radiosync peer add ${p} --key KEY\``, { peer: p });
  }
  const cs = buildGroupChangeset(station, peers, folders);
  const items: BundleItem[] = [];
  let changesetBytes = 0;
  if (cs.changes.length > 0 || cs.chunks.length > 0) {
    const sealed = sealChangeset(station, cs);
    changesetBytes = sealed.length;
    items.push({ kind: BundleItemKind.Changeset, data: sealed });
  }
  const vv = station.records.versionVector();
  for (const p of peers) items.push({ kind: BundleItemKind.Ack, data: sealReceipt(station, p, vv) });
  const bytes = encodeBundle({ from: station.callsign, to: peers, created: station.clock.now(), items });
  return { bytes, to: peers, rows: cs.changes.length, changesetBytes, receipts: peers.length };
}

export interface ImportResult {
  from: string;
  changesets: number;
  duplicates: number;
  rowsApplied: number;
  conflicts: number;
  receipts: number;
  /** File entries written (folder sync). */
  files?: number;
  /** Items not for this station, or from untrusted stations, with the reason code. */
  skipped: Array<{ kind: string; code: string; message: string }>;
}

/**
 * Decode the whole bundle first (a truncated or corrupt file applies nothing), then apply each
 * changeset's rows in its own transaction (exactly once) and take the receipts. Synchronous;
 * returns the applied changesets so folder sync can write their files ({@link importBundle}).
 */
export function importBundleRecords(station: Station, bytes: Uint8Array): { result: ImportResult; applied: IncomingResult[] } {
  const bundle = decodeBundle(bytes);
  const r: ImportResult = { from: bundle.from, changesets: 0, duplicates: 0, rowsApplied: 0, conflicts: 0, receipts: 0, skipped: [] };
  const applied: IncomingResult[] = [];
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
        station.records.acknowledge(rc.from, rc.vv);
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
  return { result: r, applied };
}

/** Import a bundle: its rows ({@link importBundleRecords}), then, with folder sync, its files. */
export async function importBundle(station: Station, bytes: Uint8Array, folders?: FolderSync): Promise<ImportResult> {
  const { result, applied } = importBundleRecords(station, bytes);
  if (folders?.enabled) {
    for (const inc of applied) {
      const f = await folders.applyIncoming(inc.changeset, inc.result);
      result.files = (result.files ?? 0) + f.written.length + f.deleted.length;
    }
  }
  return result;
}
