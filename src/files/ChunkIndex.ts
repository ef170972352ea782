/**
 * Which chunks this station can produce, where from, and which chunks each peer already holds.
 *
 * A chunk is readable from the on-disk chunk store (`<stationDir>/files/chunks/ab/abcdef…`, chunks
 * received from peers and list chunks) or from a local file at a recorded offset (chunks of scanned
 * files are not copied). Every read is checked against the hash, so a file edited since its scan
 * is never served as stale data. Peer knowledge (`files_peer_chunks`) is recorded only from
 * acknowledged manifests: a peer that acknowledged a changeset holding an entry holds its chunks.
 */
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readFileSync, readSync, renameSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import type Database from 'better-sqlite3';
import type { Chunk } from '../changeset/Changeset.js';
import { bytesEqual, hashChunk, toHex } from './chunkHash.js';
import type { ChunkRef } from './ChunkList.js';
import type { FilesDb } from './FilesDb.js';
import { TEMP_PREFIX } from './ignoreRules.js';

export class ChunkIndex {
  readonly dir: string;
  private readonly fdb: FilesDb;
  private readonly rootOf: (share: string) => string | undefined;
  private readonly s: Record<string, Database.Statement>;

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
    const db = fdb.db;
    this.s = {
      locs: db.prepare('SELECT share, path, offset, length FROM files_chunk_loc WHERE hash = ?'),
      addLoc: db.prepare('INSERT OR IGNORE INTO files_chunk_loc (hash, share, path, offset, length) VALUES (?,?,?,?,?)'),
      forget: db.prepare('DELETE FROM files_chunk_loc WHERE share = ? AND path = ?'),
      stored: db.prepare('SELECT length FROM files_store WHERE hash = ?'),
      addStored: db.prepare('INSERT OR IGNORE INTO files_store (hash, length) VALUES (?,?)'),
      peerHas: db.prepare('SELECT 1 FROM files_peer_chunks WHERE peer = ? AND hash = ?'),
      addPeer: db.prepare('INSERT OR IGNORE INTO files_peer_chunks (peer, hash) VALUES (?,?)'),
    };
  }

  private storePath(hash: Uint8Array): string {
    const hex = toHex(hash);
    return join(this.dir, hex.slice(0, 2), hex);
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

  /** Keep a chunk in the chunk store (temp, fsync, rename). Verifies the hash; false if wrong. */
  put(chunk: Chunk): boolean {
    if (!bytesEqual(hashChunk(chunk.data), chunk.hash)) return false;
    if (this.s.stored!.get(Buffer.from(chunk.hash)) !== undefined) return true;
    const p = this.storePath(chunk.hash);
    if (!existsSync(p)) {
      mkdirSync(join(p, '..'), { recursive: true });
      const tmp = join(p, '..', `${TEMP_PREFIX}${toHex(chunk.hash)}`);
      const fd = openSync(tmp, 'w');
      try {
        writeSync(fd, chunk.data);
        fsyncSync(fd);
      } finally {
        closeSync(fd);
      }
      renameSync(tmp, p);
    }
    this.s.addStored!.run(Buffer.from(chunk.hash), chunk.data.length);
    return true;
  }

  /** The chunk's bytes, verified, from the store or a local file; undefined if unavailable. */
  read(hash: Uint8Array): Uint8Array | undefined {
    const key = Buffer.from(hash);
    if (this.s.stored!.get(key) !== undefined) {
      try {
        const d = new Uint8Array(readFileSync(this.storePath(hash)));
        if (bytesEqual(hashChunk(d), hash)) return d;
      } catch {
        /* fall through to file locations */
      }
    }
    for (const loc of this.s.locs!.all(key) as Array<{ share: string; path: string; offset: number; length: number }>) {
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
