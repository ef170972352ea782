/**
 * Which chunks to send a peer with a set of file entries: every data chunk and list chunk the
 * entries reference that the peer does not hold (by acknowledged manifests) and that is not
 * already planned. A list chunk the peer holds stands for its whole subtree (the peer acknowledged
 * an entry that needed all of it), so unchanged parts of a big file's tree are not even walked.
 */
import type { Chunk } from '../changeset/Changeset.js';
import type { ChunkIndex } from './ChunkIndex.js';
import { unpackList } from './ChunkList.js';
import { toHex } from './chunkHash.js';

export interface ChunkPlan {
  chunks: Chunk[];
  /** Referenced chunks this station cannot read (should not happen; reported, not thrown). */
  unavailable: Uint8Array[];
  /** True when `maxBytes` stopped the plan before every lacking chunk was planned. */
  truncated: boolean;
}

export interface PlanOptions {
  /**
   * Stop adding chunks once their data would pass this many bytes (default: no bound). The rest
   * goes in a later changeset. A list chunk is planned only after every chunk under it, so a peer
   * that holds a list chunk always holds its whole subtree, even when a plan was cut short.
   */
  maxBytes?: number;
}

/**
 * @param roots packed root chunk lists of the file entries to send
 * @param peerHas whether the peer holds a chunk (e.g. `h => index.peerHas(peer, h)`)
 */
export function planChunks(index: ChunkIndex, roots: Iterable<Uint8Array>, peerHas: (hash: Uint8Array) => boolean, opts: PlanOptions = {}): ChunkPlan {
  const planned = new Set<string>();
  const chunks: Chunk[] = [];
  const unavailable: Uint8Array[] = [];
  const max = opts.maxBytes ?? Number.POSITIVE_INFINITY;
  let bytes = 0;
  let truncated = false;
  /** Plan what the peer lacks under `list`, children before their list chunk; false if incomplete. */
  const visit = (list: Uint8Array): boolean => {
    const parsed = unpackList(list);
    if (!parsed) return true;
    let complete = true;
    for (const r of parsed.records) {
      if (truncated) return false;
      const k = toHex(r.hash);
      if (planned.has(k) || peerHas(r.hash)) continue;
      const data = index.read(r.hash);
      if (data === undefined) {
        planned.add(k);
        unavailable.push(r.hash);
        complete = false;
        continue;
      }
      if (parsed.level > 0 && !visit(data)) {
        complete = false;
        continue;
      }
      if (bytes + data.length > max) {
        truncated = true;
        return false;
      }
      planned.add(k);
      bytes += data.length;
      chunks.push({ hash: r.hash, data });
    }
    return complete;
  };
  for (const root of roots) {
    if (truncated) break;
    visit(root);
  }
  return { chunks, unavailable, truncated };
}

/** Every chunk hash (list and data) a root references, reading list chunks through `index`. */
export function allChunkHashes(index: ChunkIndex, root: Uint8Array): Uint8Array[] {
  const out: Uint8Array[] = [];
  const visit = (list: Uint8Array): void => {
    const parsed = unpackList(list);
    if (!parsed) return;
    for (const r of parsed.records) {
      out.push(r.hash);
      if (parsed.level > 0) {
        const data = index.read(r.hash);
        if (data) visit(data);
      }
    }
  };
  visit(root);
  return out;
}

/**
 * Whether the peer lacks any chunk of a file (cheap: only the root list is read, since a list
 * chunk the peer holds stands for its subtree).
 */
export function peerLacksAny(root: Uint8Array, peerHas: (hash: Uint8Array) => boolean): boolean {
  const parsed = unpackList(root);
  if (!parsed) return false;
  return parsed.records.some((r) => !peerHas(r.hash));
}
