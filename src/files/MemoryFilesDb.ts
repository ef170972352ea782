/**
 * The in-memory {@link FilesDb}: for tests and stations that need no persistence. Same contract as
 * the SQLite one (test/files/filesDbCompliance.ts), including rollback of a transaction whose
 * function throws (an undo log), except that nothing survives the process.
 */
import { toHex } from './chunkHash.js';
import type { ChunkLocation, FilesDb, ScanRow } from './FilesDb.js';

const fileKey = (share: string, path: string) => `${share}\u0000${path}`;
/** Paths in byte (UTF-8) order, as SQLite's BINARY collation orders them. */
const byteOrder = (a: string, b: string) => Buffer.compare(Buffer.from(a), Buffer.from(b));

function cloneRow(r: ScanRow): ScanRow {
  return { ...r, chunks: r.chunks.slice() };
}

export class MemoryFilesDb implements FilesDb {
  private readonly scan = new Map<string, Map<string, ScanRow>>();
  /** hash hex → location key (share, path, offset) → location. */
  private readonly locs = new Map<string, Map<string, ChunkLocation>>();
  /** (share, path) → hashes with a location in that file. */
  private readonly filesLocs = new Map<string, Set<string>>();
  private readonly peers = new Set<string>();
  private undo: Array<() => void> | undefined;

  private logUndo(fn: () => void): void {
    this.undo?.push(fn);
  }

  loadScanUnder(share: string, under: Iterable<string>, exact: Iterable<string> = []): Map<string, ScanRow> {
    const m = new Map<string, ScanRow>();
    const rows = this.scan.get(share);
    if (rows === undefined) return m;
    const all = [...rows.keys()].sort(byteOrder);
    for (const p of under) for (const path of all) if (path === p || path.startsWith(`${p}/`)) m.set(path, cloneRow(rows.get(path)!));
    for (const p of exact) {
      const r = rows.get(p);
      if (r) m.set(p, cloneRow(r));
    }
    return m;
  }

  loadScan(share: string): Map<string, ScanRow> {
    const rows = this.scan.get(share);
    const m = new Map<string, ScanRow>();
    if (rows !== undefined) for (const path of [...rows.keys()].sort(byteOrder)) m.set(path, cloneRow(rows.get(path)!));
    return m;
  }

  getScan(share: string, path: string): ScanRow | undefined {
    const r = this.scan.get(share)?.get(path);
    return r && cloneRow(r);
  }

  putScan(r: ScanRow): void {
    let rows = this.scan.get(r.share);
    if (rows === undefined) this.scan.set(r.share, (rows = new Map()));
    const before = rows.get(r.path);
    rows.set(r.path, cloneRow(r));
    const m = rows;
    this.logUndo(() => (before === undefined ? m.delete(r.path) : m.set(r.path, before)));
  }

  deleteScan(share: string, path: string): void {
    const rows = this.scan.get(share);
    const before = rows?.get(path);
    if (rows === undefined || before === undefined) return;
    rows.delete(path);
    this.logUndo(() => rows.set(path, before));
  }

  chunkLocations(hash: Uint8Array): ChunkLocation[] {
    const m = this.locs.get(toHex(hash));
    if (m === undefined) return [];
    return [...m.values()]
      .map((l) => ({ ...l }))
      .sort((a, b) => byteOrder(a.share, b.share) || byteOrder(a.path, b.path) || a.offset - b.offset);
  }

  hasChunkLocation(hash: Uint8Array): boolean {
    return (this.locs.get(toHex(hash))?.size ?? 0) > 0;
  }

  private addLocation(hex: string, loc: ChunkLocation): void {
    let m = this.locs.get(hex);
    if (m === undefined) this.locs.set(hex, (m = new Map()));
    const k = `${fileKey(loc.share, loc.path)}\u0000${loc.offset}`;
    const before = m.get(k);
    m.set(k, { ...loc });
    const fk = fileKey(loc.share, loc.path);
    let s = this.filesLocs.get(fk);
    if (s === undefined) this.filesLocs.set(fk, (s = new Set()));
    const hadHex = s.has(hex);
    s.add(hex);
    const set = s;
    const map = m;
    this.logUndo(() => {
      if (before === undefined) map.delete(k);
      else map.set(k, before);
      if (!hadHex) set.delete(hex);
    });
  }

  /** Remove every location of (share, path); returns them as (hash hex, location). */
  private removeFile(share: string, path: string): Array<[string, ChunkLocation]> {
    const fk = fileKey(share, path);
    const hexes = this.filesLocs.get(fk);
    if (hexes === undefined) return [];
    const removed: Array<[string, ChunkLocation]> = [];
    for (const hex of hexes) {
      const m = this.locs.get(hex)!;
      for (const [k, loc] of [...m]) {
        if (loc.share === share && loc.path === path) {
          m.delete(k);
          removed.push([hex, loc]);
        }
      }
    }
    this.filesLocs.delete(fk);
    this.logUndo(() => {
      this.filesLocs.set(fk, hexes);
      for (const [hex, loc] of removed) this.locs.get(hex)!.set(`${fk}\u0000${loc.offset}`, loc);
    });
    return removed;
  }

  recordChunkLocations(share: string, path: string, chunks: Iterable<{ hash: Uint8Array; offset: number; length: number }>): void {
    this.removeFile(share, path);
    for (const c of chunks) {
      const hex = toHex(c.hash);
      const k = `${fileKey(share, path)}\u0000${c.offset}`;
      if (this.locs.get(hex)?.has(k)) continue; // like INSERT OR IGNORE
      this.addLocation(hex, { share, path, offset: c.offset, length: c.length });
    }
  }

  forgetChunkLocations(share: string, path: string): void {
    this.removeFile(share, path);
  }

  relocateChunkLocations(share: string, path: string, toShare: string, toPath: string): void {
    if (share === toShare && path === toPath) return;
    for (const [hex, loc] of this.removeFile(share, path)) this.addLocation(hex, { ...loc, share: toShare, path: toPath });
  }

  peerHasChunk(peer: string, hash: Uint8Array): boolean {
    return this.peers.has(`${peer}\u0000${toHex(hash)}`);
  }

  markPeerChunks(peer: string, hashes: Iterable<Uint8Array>): void {
    this.tx(() => {
      for (const h of hashes) {
        const k = `${peer}\u0000${toHex(h)}`;
        if (this.peers.has(k)) continue;
        this.peers.add(k);
        this.logUndo(() => this.peers.delete(k));
      }
    });
  }

  unmarkPeerChunks(peer: string, hashes: Iterable<Uint8Array>): void {
    this.tx(() => {
      for (const h of hashes) {
        const k = `${peer}\u0000${toHex(h)}`;
        if (!this.peers.delete(k)) continue;
        this.logUndo(() => this.peers.add(k));
      }
    });
  }

  tx<T>(fn: () => T): T {
    if (this.undo !== undefined) return fn(); // nested: joins the outer transaction
    const undo: Array<() => void> = [];
    this.undo = undo;
    try {
      return fn();
    } catch (e) {
      for (const u of undo.reverse()) u();
      throw e;
    } finally {
      this.undo = undefined;
    }
  }
}
