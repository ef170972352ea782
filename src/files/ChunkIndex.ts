/**
 * Which chunks this station can produce, where from, and which chunks each peer already holds.
 *
 * A chunk is readable from the chunk store (`<stationDir>/files/chunks.sqlite`: chunks received
 * from peers and list chunks) or from a local file at a recorded offset (chunks of scanned files
 * are not copied). The store is one SQLite file rather than a file per chunk: a 1 MB file is ~250
 * chunks, and a file each would cost ~250 fsyncs (4.6 s measured here) where one transaction costs one. Every read is checked against the hash, so a file edited since its scan
 * is never served as stale data. Peer knowledge (`files_peer_chunks`) is recorded only from
 * acknowledged manifests: a peer that acknowledged a changeset holding an entry holds its chunks.
 */
import { closeSync, mkdirSync, openSync, readSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { Chunk } from '../changeset/Changeset.js';
import { bytesEqual, hashChunk, toHex } from './chunkHash.js';
import type { ChunkRef } from './ChunkList.js';
import type { FilesDb } from './FilesDb.js';

/** Pseudo share name under which chunks in the versions folder are indexed. */
export const VERSIONS_SHARE = '@versions';

export class ChunkIndex {
  readonly dir: string;
  private readonly fdb: FilesDb;
  private readonly rootOf: (share: string) => string | undefined;
  private readonly s: Record<string, Database.Statement>;
  /** The chunk store database (files/chunks.sqlite). */
  readonly store: Database.Database;

  /**
   * @param fdb the station's files_* tables
   * @param storeDir directory of the chunk store (created if missing)
   * @param rootOf the root directory of a share on this station (undefined if not shared here)
   */
  constructor(fdb: FilesDb, storeDir: string, rootOf: (share: string) => string | undefined) {
    this.fdb = fdb;
    this.dir = storeDir;
    this.rootOf = rootOf;
    mkdirSync(storeDir, { recursive: true });
    this.store = new Database(join(storeDir, 'chunks.sqlite'));
    this.store.pragma('journal_mode = WAL');
    this.store.pragma('synchronous = FULL');
    this.store.exec('CREATE TABLE IF NOT EXISTS files_chunks (hash BLOB PRIMARY KEY, data BLOB NOT NULL) WITHOUT ROWID');
    const db = fdb.db;
    this.s = {
      locs: db.prepare('SELECT share, path, offset, length FROM files_chunk_loc WHERE hash = ?'),
      addLoc: db.prepare('INSERT OR IGNORE INTO files_chunk_loc (hash, share, path, offset, length) VALUES (?,?,?,?,?)'),
      forget: db.prepare('DELETE FROM files_chunk_loc WHERE share = ? AND path = ?'),
      relocate: db.prepare('UPDATE OR REPLACE files_chunk_loc SET share = ?, path = ? WHERE share = ? AND path = ?'),
      unmarkPeer: db.prepare('DELETE FROM files_peer_chunks WHERE peer = ? AND hash = ?'),
      stored: this.store.prepare('SELECT 1 FROM files_chunks WHERE hash = ?'),
      getStored: this.store.prepare('SELECT data FROM files_chunks WHERE hash = ?'),
      allStored: this.store.prepare('SELECT hash FROM files_chunks'),
      dropStored: this.store.prepare('DELETE FROM files_chunks WHERE hash = ?'),
      addStored: this.store.prepare('INSERT OR IGNORE INTO files_chunks (hash, data) VALUES (?,?)'),
      peerHas: db.prepare('SELECT 1 FROM files_peer_chunks WHERE peer = ? AND hash = ?'),
      addPeer: db.prepare('INSERT OR IGNORE INTO files_peer_chunks (peer, hash) VALUES (?,?)'),
    };
  }

  /** Record where a scanned file's chunks are (replacing what was recorded for that path). */
  recordFile(share: string, path: string, leaves: ChunkRef[]): void {
    this.s.forget!.run(share, path);
    let off = 0;
    for (const r of leaves) {
      this.s.addLoc!.run(Buffer.from(r.hash), share, path, off, r.length);
      off += r.length;
    }
  }

  forgetFile(share: string, path: string): void {
    this.s.forget!.run(share, path);
  }

  /**
   * The file's bytes now live elsewhere (e.g. moved into the versions folder under the pseudo
   * share {@link VERSIONS_SHARE}): keep its chunks readable from there.
   */
  relocateFile(share: string, path: string, toShare: string, toPath: string): void {
    this.s.relocate!.run(toShare, toPath, share, path);
  }

  /** A peer reported these chunks missing: stop assuming it holds them. */
  unmarkPeerHas(peer: string, hashes: Iterable<Uint8Array>): void {
    this.fdb.tx(() => {
      for (const h of hashes) this.s.unmarkPeer!.run(peer, Buffer.from(h));
    });
  }

  /**
   * Keep chunks in the chunk store, in one durable transaction. Each is verified against its hash;
   * returns the hashes stored (or already held), leaving out the ones whose data did not match.
   */
  putMany(chunks: Iterable<Chunk>): Uint8Array[] {
    const ok: Uint8Array[] = [];
    this.store.transaction(() => {
      for (const c of chunks) {
        if (!bytesEqual(hashChunk(c.data), c.hash)) continue;
        this.s.addStored!.run(Buffer.from(c.hash), Buffer.from(c.data.buffer, c.data.byteOffset, c.data.byteLength));
        ok.push(c.hash);
      }
    })();
    return ok;
  }

  put(chunk: Chunk): boolean {
    return this.putMany([chunk]).length === 1;
  }

  /** The chunk's bytes, verified, from the store or a local file; undefined if unavailable. */
  read(hash: Uint8Array): Uint8Array | undefined {
    const key = Buffer.from(hash);
    const row = this.s.getStored!.get(key) as { data: Buffer } | undefined;
    if (row !== undefined) return new Uint8Array(row.data);
    return this.readFromFiles(hash);
  }

  /** The chunk's bytes from a local file or version (not the store), verified. */
  private readFromFiles(hash: Uint8Array): Uint8Array | undefined {
    for (const loc of this.s.locs!.all(Buffer.from(hash)) as Array<{ share: string; path: string; offset: number; length: number }>) {
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
    const hashes = (this.s.allStored!.all() as Array<{ hash: Buffer }>).map((r) => new Uint8Array(r.hash));
    const drop = hashes.filter((h) => this.readFromFiles(h) !== undefined);
    this.store.transaction(() => {
      for (const h of drop) this.s.dropStored!.run(Buffer.from(h));
    })();
    return drop.length;
  }

  close(): void {
    this.store.close();
  }

  /** Whether this station believes it can produce the chunk (without reading it). */
  has(hash: Uint8Array): boolean {
    const key = Buffer.from(hash);
    return this.s.stored!.get(key) !== undefined || this.s.locs!.get(key) !== undefined;
  }

  /** Record that `peer` holds these chunks (call only for acknowledged manifests). */
  markPeerHas(peer: string, hashes: Iterable<Uint8Array>): void {
    this.fdb.tx(() => {
      for (const h of hashes) this.s.addPeer!.run(peer, Buffer.from(h));
    });
  }

  peerHas(peer: string, hash: Uint8Array): boolean {
    return this.s.peerHas!.get(peer, Buffer.from(hash)) !== undefined;
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
