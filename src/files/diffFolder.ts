/**
 * `radiosync diff`: what a scan-and-send would transmit to a peer, entry by entry, with the bytes
 * each would cost on air (compressed, before FEC and framing).
 *
 * Compares this station's scanned entries with the entries the peer is known to hold (from its
 * acknowledged manifests). A path that disappeared and another that appeared with the same content
 * is a move (costs only its entry); a new path whose content the peer already holds is a copy.
 * Content cost counts each chunk the peer lacks once, deflated (as the changeset codec would),
 * in the order the items are listed. Entry cost is the CBOR of the changed fields plus
 * ENTRY_OVERHEAD_BYTES; the changeset codec's deflate usually shrinks it further.
 */
import { encode } from 'cbor-x';
import { deflateSync } from 'fflate';
import { toHex } from './chunkHash.js';
import { changedFields, sameEntry, type FileEntry } from './FileEntry.js';
import type { FolderSet } from './FolderSet.js';
import { planChunks } from './planChunks.js';

/** Per-row cost besides the fields: 16-byte id, origin index, seq, hlc, kind (estimate, bytes). */
export const ENTRY_OVERHEAD_BYTES = 28;

export type DiffKind = 'added' | 'changed' | 'moved' | 'copied' | 'deleted';

export interface DiffItem {
  kind: DiffKind;
  path: string;
  /** For moved and copied: where the content already is at the peer. */
  from?: string;
  type: FileEntry['type'];
  size: number;
  /** Chunks the peer lacks that this item sends (counted once across the diff). */
  chunks: number;
  /** Raw bytes of those chunks. */
  contentBytes: number;
  /** Bytes on air: deflated chunks + the entry row(s). */
  airBytes: number;
}

export interface FolderDiff {
  share: string;
  peer: string;
  items: DiffItem[];
  totals: Record<DiffKind, number> & { airBytes: number; contentBytes: number };
}

function entryCost(prev: FileEntry | undefined, next: FileEntry): number {
  return encode(changedFields(prev, next)).length + ENTRY_OVERHEAD_BYTES;
}

export function diffFolder(set: FolderSet, share: string, peer: string, peerEntries: Iterable<FileEntry>): FolderDiff {
  const local = set.fdb.loadScan(share);
  const remote = new Map<string, FileEntry>();
  for (const e of peerEntries) if (e.share === share) remote.set(e.path, e);
  const counted = new Set<string>();
  const peerHas = (h: Uint8Array): boolean => counted.has(toHex(h)) || set.chunks.peerHas(peer, h);
  const cost = (e: FileEntry): { chunks: number; contentBytes: number; compressed: number } => {
    if (e.type !== 'file') return { chunks: 0, contentBytes: 0, compressed: 0 };
    const plan = planChunks(set.chunks, [e.chunks], peerHas);
    let contentBytes = 0;
    let compressed = 0;
    for (const c of plan.chunks) {
      counted.add(toHex(c.hash));
      contentBytes += c.data.length;
      compressed += Math.min(c.data.length, deflateSync(c.data, { level: 6 }).length);
    }
    return { chunks: plan.chunks.length, contentBytes, compressed };
  };

  const gone = [...remote.values()].filter((e) => !local.has(e.path));
  const goneByContent = new Map<string, FileEntry>();
  for (const e of gone) if (e.type === 'file' && e.size > 0) goneByContent.set(toHex(e.chunks), e);
  const remoteByContent = new Map<string, FileEntry>();
  for (const e of remote.values()) if (e.type === 'file' && e.size > 0) remoteByContent.set(toHex(e.chunks), e);

  const items: DiffItem[] = [];
  const movedFrom = new Set<string>();
  for (const [path, e] of [...local.entries()].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const before = remote.get(path);
    if (before && sameEntry(before, e)) continue;
    const base = { path, type: e.type, size: e.size };
    if (!before && e.type === 'file' && e.size > 0) {
      const key = toHex(e.chunks);
      const src = goneByContent.get(key);
      if (src && !movedFrom.has(src.path)) {
        movedFrom.add(src.path);
        const c = cost(e);
        items.push({ kind: 'moved', from: src.path, ...base, chunks: c.chunks, contentBytes: c.contentBytes, airBytes: c.compressed + entryCost(undefined, e) + ENTRY_OVERHEAD_BYTES });
        continue;
      }
      const copy = remoteByContent.get(key);
      if (copy) {
        const c = cost(e);
        items.push({ kind: 'copied', from: copy.path, ...base, chunks: c.chunks, contentBytes: c.contentBytes, airBytes: c.compressed + entryCost(undefined, e) });
        continue;
      }
    }
    const c = cost(e);
    items.push({ kind: before ? 'changed' : 'added', ...base, chunks: c.chunks, contentBytes: c.contentBytes, airBytes: c.compressed + entryCost(before, e) });
  }
  for (const e of gone) {
    if (movedFrom.has(e.path)) continue;
    items.push({ kind: 'deleted', path: e.path, type: e.type, size: e.size, chunks: 0, contentBytes: 0, airBytes: ENTRY_OVERHEAD_BYTES });
  }
  const totals = { added: 0, changed: 0, moved: 0, copied: 0, deleted: 0, airBytes: 0, contentBytes: 0 };
  for (const it of items) {
    totals[it.kind]++;
    totals.airBytes += it.airBytes;
    totals.contentBytes += it.contentBytes;
  }
  return { share, peer, items, totals };
}
