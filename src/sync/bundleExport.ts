/**
 * Export by USB stick or email: everything the addressees lack, as many changesets as it takes
 * (caps continue, never truncate), packed into one bundle or into numbered parts of at most
 * `maxBytes` each, plus a receipt per addressee saying what this station holds (its vector, its
 * digest, its chunks).
 *
 * Each changeset is built from the least any addressee acknowledged, advanced by the changesets
 * before it in the same export; its chunks leave out those an earlier changeset already carries,
 * and rows whose chunks did not fit are carried on to the next changeset.
 */
import { randomBytes } from 'node:crypto';
import { encodeBundle, BundleItemKind, MAX_BUNDLE_BYTES, type BundleItem } from '../bundle/bundle.js';
import { makeError } from '../errors/RadiosyncError.js';
import { SYNC_ERRORS } from './errors.js';
import { sealChangeset } from './signedChangeset.js';
import { ackedByAll } from './groupChangeset.js';
import { sealReceipt } from './receipt.js';
import { heldVector, summaryBytes } from './stateDigest.js';
import type { Station } from '../station/Station.js';
import { FolderSync } from './FolderSync.js';
import type { Changeset, VersionVector } from '../changeset/Changeset.js';
import { vvMerge } from '../store/vv.js';
import { rowsBeyond } from '../store/rowsBeyond.js';
import { FILES_TABLE } from '../files/FileEntry.js';
import { toHex } from '../files/chunkHash.js';

/** Smallest `maxBytes` accepted: 64 KiB (room for one changeset of a few rows and one chunk). */
export const MIN_PART_BYTES = 64 * 1024;
/** Bytes of bundle framing reserved per part (header, hash, CBOR map and item headers). */
const PART_OVERHEAD = 512;
/** Most changesets one export builds (a bound on a runaway loop; 256 MiB of 4 MiB changesets). */
export const MAX_EXPORT_CHANGESETS = 10_000;
/**
 * Most rows one exported changeset carries (less when `limits.rows_per_changeset` is lower): each
 * changeset is built, encoded and sealed in memory, so this bounds an export's memory whatever the
 * table's size (a million rows: 50 changesets in one bundle). It costs about 150 bytes of
 * signature and framing per changeset, under 0.1 % of one this size.
 */
export const EXPORT_ROWS_PER_CHANGESET = 20_000;

export interface ExportOptions {
  /** Largest part, bytes (default: MAX_BUNDLE_BYTES; more than that always splits). */
  maxBytes?: number;
}

export interface ExportResult {
  /** The first (or only) part. */
  bytes: Uint8Array;
  /** Every part, in order (one unless the export was split). */
  parts: Uint8Array[];
  to: string[];
  rows: number;
  chunks: number;
  chunkBytes: number;
  changesets: number;
  changesetBytes: number;
  receipts: number;
  /** What is still not in any part: row changes and `@files` rows whose chunks are missing here. */
  remaining: { rows: number; files: number };
}

export function exportBundle(station: Station, to: string[], folders?: FolderSync, opts: ExportOptions = {}): ExportResult {
  if (to.length === 0) throw makeError(SYNC_ERRORS, 'RS_ERR_SYNC_NO_PEERS', 'export needs --to CALL[,CALL…]');
  const maxBytes = Math.min(opts.maxBytes ?? MAX_BUNDLE_BYTES, MAX_BUNDLE_BYTES);
  if (maxBytes < MIN_PART_BYTES) throw makeError(SYNC_ERRORS, 'RS_ERR_SYNC_PART_TOO_SMALL', `--max-bytes must be at least ${MIN_PART_BYTES}: ${maxBytes}`, { maxBytes });
  const peers = to.map((c) => c.toUpperCase());
  for (const p of peers) {
    station.requireTrusted(p);
  }
  const fs = folders?.enabled ? folders : undefined;
  const { sealed, acked, rows, chunks, chunkBytes } = buildChangesets(station, peers, fs, maxBytes);
  const summary = summaryBytes(station, fs);
  const content = { vv: heldVector(station), summary, chunks: fs?.heldChunks() ?? [] };
  const receipts = peers.map((p) => sealReceipt(station, p, content));
  const parts = pack(station, peers, sealed, receipts, maxBytes);
  const remainingRows = rowsBeyond(station.records.db, acked, 'rows');
  return {
    bytes: parts[0]!,
    parts,
    to: peers,
    rows,
    chunks,
    chunkBytes,
    changesets: sealed.length,
    changesetBytes: sealed.reduce((n, b) => n + b.length, 0),
    receipts: receipts.length,
    remaining: { rows: remainingRows, files: rowsBeyond(station.records.db, acked, 'files') },
  };
}

export interface BuiltChangesets {
  sealed: Uint8Array[];
  /** The addressees' vector once every changeset is applied. */
  acked: VersionVector;
  rows: number;
  chunks: number;
  chunkBytes: number;
  /** Per table: upserts and deletes carried. */
  byTable: Map<string, { upserts: number; deletes: number }>;
}

/**
 * Every changeset the addressees need, in order, each sealed and at most `maxBytes` (less the
 * framing): caps continue into the next changeset, never truncate.
 */
export function buildChangesets(station: Station, peers: string[], fs: FolderSync | undefined, maxBytes: number): BuiltChangesets {
  const byTable = new Map<string, { upserts: number; deletes: number }>();
  const sealed: Uint8Array[] = [];
  let acked: VersionVector = ackedByAll(station, peers);
  let rows = 0;
  let chunks = 0;
  let chunkBytes = 0;
  for (const next of changesetStream(station, peers, fs, maxBytes)) {
    const cs = next.changeset;
    sealed.push(next.sealed);
    acked = next.acked;
    rows += cs.changes.length;
    chunks += cs.chunks.length;
    for (const c of cs.chunks) chunkBytes += c.data.length;
    for (const c of cs.changes) {
      let t = byTable.get(c.table);
      if (!t) byTable.set(c.table, (t = { upserts: 0, deletes: 0 }));
      if (c.kind === 'delete') t.deletes++;
      else t.upserts++;
    }
  }
  return { sealed, acked, rows, chunks, chunkBytes, byTable };
}

/** One changeset of a {@link changesetStream}: sealed, and the addressees' vector once it is applied. */
export interface StreamedChangeset {
  changeset: Changeset;
  sealed: Uint8Array;
  acked: VersionVector;
}

/**
 * The changesets of {@link buildChangesets}, built one at a time as the consumer asks (the online
 * transport sends each before the next is built, so memory holds one). `maxChanges` caps the rows
 * of each (default: EXPORT_ROWS_PER_CHANGESET, within the `rows_per_changeset` limit).
 */
export function* changesetStream(station: Station, peers: string[], fs: FolderSync | undefined, maxBytes: number, opts: { maxChanges?: number } = {}): Generator<StreamedChangeset> {
  let acked: VersionVector = ackedByAll(station, peers);
  const carried = new Set<string>();
  let carryIds: Uint8Array[] = [];
  let maxChanges = Math.min(opts.maxChanges ?? EXPORT_ROWS_PER_CHANGESET, station.config.limits.rows_per_changeset);
  const chunkCap = Math.max(1, Math.min(maxBytes - PART_OVERHEAD - 16 * 1024, 4 * 1024 * 1024));
  for (let built = 0; built < MAX_EXPORT_CHANGESETS; ) {
    const base = station.records.buildChangeset(peers[0]!, { acked, to: peers, maxChanges });
    const cs: Changeset = fs ? fs.attachChunks(base, peers, { ids: carryIds, has: (h) => carried.has(toHex(h)), maxBytes: chunkCap }) : base;
    if (cs.changes.length === 0 && cs.chunks.length === 0) break;
    const bytes = sealChangeset(station, cs);
    if (bytes.length + PART_OVERHEAD > maxBytes) {
      if (maxChanges > 1) {
        maxChanges = Math.max(1, Math.floor(maxChanges / 2));
        continue;
      }
      throw makeError(SYNC_ERRORS, 'RS_ERR_SYNC_PART_TOO_SMALL', `one changeset of a single row is ${bytes.length} bytes: raise --max-bytes`, { maxBytes, need: bytes.length + PART_OVERHEAD });
    }
    const next = vvMerge(acked, cs.upto);
    const progressed = cs.chunks.length > 0 || Object.keys(next).some((k) => next[k] !== acked[k]);
    if (!progressed) break; // changes that cannot advance the vector (held out of order): they wait for their gaps
    acked = next;
    built++;
    for (const c of cs.chunks) carried.add(toHex(c.hash));
    carryIds = [...carryIds, ...cs.changes.filter((c) => c.table === FILES_TABLE && c.kind === 'upsert').map((c) => c.id)];
    yield { changeset: cs, sealed: bytes, acked };
  }
}

/** Pack changesets in order into parts of at most `maxBytes`; the receipts go in the first part (or lead their own). */
function pack(station: Station, to: string[], changesets: Uint8Array[], receipts: Uint8Array[], maxBytes: number): Uint8Array[] {
  const groups: BundleItem[][] = [[]];
  let used = PART_OVERHEAD;
  const put = (item: BundleItem): void => {
    if (used + item.data.length > maxBytes && groups[groups.length - 1]!.length > 0) {
      groups.push([]);
      used = PART_OVERHEAD;
    }
    groups[groups.length - 1]!.push(item);
    used += item.data.length + 8;
  };
  for (const r of receipts) put({ kind: BundleItemKind.Ack, data: r });
  for (const c of changesets) put({ kind: BundleItemKind.Changeset, data: c });
  const exportId = new Uint8Array(randomBytes(8));
  const created = station.clock.now();
  return groups.map((items, i) => encodeBundle({ from: station.callsign, to, created, exportId, part: i + 1, parts: groups.length, items }));
}

/** File names for the parts of a split export: `out.rsb` → `out.1-of-3.rsb`, …; one part keeps `out`. */
export function partNames(out: string, parts: number): string[] {
  if (parts === 1) return [out];
  const dot = out.lastIndexOf('.');
  const slash = Math.max(out.lastIndexOf('/'), out.lastIndexOf('\\'));
  const [stem, ext] = dot > slash + 1 ? [out.slice(0, dot), out.slice(dot)] : [out, ''];
  return Array.from({ length: parts }, (_, i) => `${stem}.${i + 1}-of-${parts}${ext}`);
}
