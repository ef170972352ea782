/**
 * The files half of a state digest (src/store/digest.ts): one leaf per `@files` row, keyed by the
 * entry id (a hash of share and path), valued by what the station actually holds for it:
 *
 *   value = hash64("radiosync-file\0" ‖ state ‖ "\0" ‖ type ‖ "\0" ‖ exec ‖ "\0" ‖ size ‖ "\0" ‖
 *                  hex(root chunk list) ‖ "\0" ‖ target)
 *   state = "D" deleted | "F" held: every chunk present | "P" partial: a chunk is missing
 *
 * So a file whose chunks did not all arrive (a capped changeset, "you thought I had this chunk")
 * differs from the sender's leaf until the last chunk is in. (Rows waiting to be written for
 * another reason, e.g. a local edit in the way, end as conflict copies: see FolderSync.)
 */
import type { FolderSync } from './FolderSync.js';
import { hash64, LeafSet } from '../store/digest.js';
import { allChunkHashes } from '../files/planChunks.js';
import { toHex } from '../files/chunkHash.js';

export function fileLeaves(folders: FolderSync | undefined): LeafSet {
  const set = new LeafSet();
  if (folders === undefined || !folders.enabled) return set;
  for (const r of folders.rows()) {
    const e = r.entry;
    let state = 'D';
    if (!r.deleted) {
      const complete = e.type !== 'file' || chunksHeld(folders, e.chunks);
      state = complete ? 'F' : 'P';
    }
    const exec = (e.mode & 0o111) !== 0 ? 'x' : '-';
    set.add(r.id, hash64(`radiosync-file\0${state}\0${e.type}\0${exec}\0${e.size}\0${toHex(e.chunks)}\0${e.target}`), { table: '@files', id: r.id });
  }
  return set;
}

/** Every chunk the root list names (list chunks read through the index) is held here. */
function chunksHeld(folders: FolderSync, root: Uint8Array): boolean {
  const idx = folders.set!.chunks;
  const all = allChunkHashes(idx, root);
  // a list chunk that is missing hides its subtree from allChunkHashes: it is itself in `all`
  return all.every((h) => idx.has(h));
}
