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
}

/**
 * @param roots packed root chunk lists of the file entries to send
 * @param peerHas whether the peer holds a chunk (e.g. `h => index.peerHas(peer, h)`)
 */
export function planChunks(index: ChunkIndex, roots: Iterable<Uint8Array>, peerHas: (hash: Uint8Array) => boolean): ChunkPlan {
  const planned = new Set<string>();
  const chunks: Chunk[] = [];
  const unavailable: Uint8Array[] = [];
  const visit = (list: Uint8Array): void => {
    const parsed = unpackList(list);
    if (!parsed) return;
    for (const r of parsed.records) {
      const k = toHex(r.hash);
      if (planned.has(k) || peerHas(r.hash)) continue;
      planned.add(k);
      const data = index.read(r.hash);
      if (data === undefined) {
        unavailable.push(r.hash);
        continue;
      }
      chunks.push({ hash: r.hash, data });
      if (parsed.level > 0) visit(data);
    }
  };
  for (const root of roots) visit(root);
  return { chunks, unavailable };
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
