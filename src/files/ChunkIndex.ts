/**
 * Which chunks this station can produce, where from, and which chunks each peer already holds.
 *
 * A chunk is readable from the chunk store (the {@link ChunkStore} seam: chunks received from peers
 * and list chunks) or from a local file at a recorded offset (chunks of scanned files are not
 * copied; the locations are in the {@link FilesDb}). Every read is checked against the hash, so a
 * file edited since its scan is never served as stale data. Peer knowledge is recorded only from
 * acknowledged manifests: a peer that acknowledged a changeset holding an entry holds its chunks.
 */
import { closeSync, openSync, readSync } from 'node:fs';
import { join } from 'node:path';
import type { Chunk } from '../changeset/Changeset.js';
import { bytesEqual, hashChunk, toHex } from './chunkHash.js';
import type { ChunkRef } from './ChunkList.js';
import type { ChunkStore } from './ChunkStore.js';
import type { FilesDb } from './FilesDb.js';

/** Pseudo share name under which chunks in the versions folder are indexed. */
export const VERSIONS_SHARE = '@versions';

export class ChunkIndex {
  private readonly fdb: FilesDb;
  private readonly rootOf: (share: string) => string | undefined;
  /** The chunk store (SQLite: files/chunks.sqlite). */
  readonly store: ChunkStore;

  /**
   * @param fdb the station's folder tables (chunk locations, peer chunks)
   * @param store the chunk store
   * @param rootOf the root directory of a share on this station (undefined if not shared here)
   */
  constructor(fdb: FilesDb, store: ChunkStore, rootOf: (share: string) => string | undefined) {
    this.fdb = fdb;
    this.store = store;
    this.rootOf = rootOf;
  }

  /** Record where a scanned file's chunks are (replacing what was recorded for that path). */
  recordFile(share: string, path: string, leaves: ChunkRef[]): void {
    let offset = 0;
    const locs = leaves.map((r) => {
      const l = { hash: r.hash, offset, length: r.length };
      offset += r.length;
      return l;
    });
    this.fdb.recordChunkLocations(share, path, locs);
  }

  forgetFile(share: string, path: string): void {
    this.fdb.forgetChunkLocations(share, path);
  }

  /**
   * The file's bytes now live elsewhere (e.g. moved into the versions folder under the pseudo
   * share {@link VERSIONS_SHARE}): keep its chunks readable from there.
   */
  relocateFile(share: string, path: string, toShare: string, toPath: string): void {
    this.fdb.relocateChunkLocations(share, path, toShare, toPath);
  }

  /** A peer reported these chunks missing: stop assuming it holds them. */
  unmarkPeerHas(peer: string, hashes: Iterable<Uint8Array>): void {
    this.fdb.unmarkPeerChunks(peer, hashes);
  }

  /**
   * Keep chunks in the chunk store, in one durable transaction. Each is verified against its hash;
   * returns the hashes stored (or already held), leaving out the ones whose data did not match.
   */
  putMany(chunks: Iterable<Chunk>): Uint8Array[] {
    const ok: Chunk[] = [];
    for (const c of chunks) if (bytesEqual(hashChunk(c.data), c.hash)) ok.push(c);
    this.store.putMany(ok);
    return ok.map((c) => c.hash);
  }

  put(chunk: Chunk): boolean {
    return this.putMany([chunk]).length === 1;
  }

  /** The chunk's bytes, verified, from the store or a local file; undefined if unavailable. */
  read(hash: Uint8Array): Uint8Array | undefined {
    return this.store.get(hash) ?? this.readFromFiles(hash);
  }

  /** The chunk's bytes from a local file or version (not the store), verified. */
  private readFromFiles(hash: Uint8Array): Uint8Array | undefined {
    for (const loc of this.fdb.chunkLocations(hash)) {
      const root = this.rootOf(loc.share);
      if (root === undefined) continue;
      try {
        const fd = openSync(join(root, loc.path), 'r');
        try {
          const buf = new Uint8Array(loc.length);
          const n = readSync(fd, buf, 0, loc.length, loc.offset);
          if (n === loc.length && bytesEqual(hashChunk(buf), hash)) return buf;
        } finally {
          closeSync(fd);
        }
      } catch {
        /* file gone or unreadable: try the next location */
      }
    }
    return undefined;
  }

  /**
   * Drop chunks from the chunk store that a local file or version also holds (verified by reading
   * them there): received chunks become redundant once their file is written. List chunks and
   * chunks no file holds (e.g. at a relay that does not keep the folder) stay. Returns how many
   * were dropped.
   */
  compact(): number {
    const drop = this.store.hashes().filter((h) => this.readFromFiles(h) !== undefined);
    this.store.deleteMany(drop);
    return drop.length;
  }

  close(): void {
    this.store.close();
  }

  /** Whether this station believes it can produce the chunk (without reading it). */
  has(hash: Uint8Array): boolean {
    return this.store.has(hash) || this.fdb.hasChunkLocation(hash);
  }

  /** Record that `peer` holds these chunks (call only for acknowledged manifests). */
  markPeerHas(peer: string, hashes: Iterable<Uint8Array>): void {
    this.fdb.markPeerChunks(peer, hashes);
  }

  peerHas(peer: string, hash: Uint8Array): boolean {
    return this.fdb.peerHasChunk(peer, hash);
  }

  /** The hashes `peer` lacks, in order, without duplicates. */
  peerLacks(peer: string, hashes: Iterable<Uint8Array>): Uint8Array[] {
    const seen = new Set<string>();
    const out: Uint8Array[] = [];
    for (const h of hashes) {
      const k = toHex(h);
      if (seen.has(k)) continue;
      seen.add(k);
      if (!this.peerHas(peer, h)) out.push(h);
    }
    return out;
  }
}
