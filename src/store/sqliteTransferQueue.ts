/**
 * The SQLite {@link TransferQueue} (better-sqlite3): the default persistent queue of the link.
 * Everything the link needs to resume after a kill -9 is committed before the link acts on it:
 * a reassembled block is stored before any ack reports it, a receiver's progress right after its
 * ack, the next shard indices after each burst.
 *
 * Tables (all prefixed `link_`, so the queue can share a station's database file):
 * ```
 * link_meta(key PK, value)                                   last outbound id
 * link_outbound(id PK, dest JSON, priority, expires_at, created_at, size, shard_size, k, hash, next_shard JSON)
 * link_outbound_chunk(id, n, data)          PK(id, n)        payload copy in PAYLOAD_CHUNK_BYTES pieces
 * link_outbound_rx(id, station, known, done, receipt, complete)  PK(id, station)  complete = block bitmap
 * link_inbound(sender, id, size, shard_size, k, hash, receivers JSON, updated_at)  PK(sender, id)
 * link_inbound_block(sender, id, block, data)  PK(sender, id, block)   reassembled blocks
 * link_completed(sender, id, hash, receipt, completed_at, seq)  PK(sender, id)   bounded memory
 * ```
 * Durability: WAL with synchronous=NORMAL by default — a committed transaction survives the
 * process being killed (the WAL is in the OS); pass `synchronous: 'FULL'` to survive power loss too.
 */
import Database from 'better-sqlite3';
import { planFromGeometry } from '../fec/blockPlan.js';
import { linkError } from '../link/errors.js';
import type { PayloadSource } from '../link/PayloadSource.js';
import {
  MAX_COMPLETED_MEMORY,
  MAX_INBOUND_TRANSFERS,
  MAX_OUTBOUND_TRANSFERS,
  emptyBitmap,
  nextTransferId,
  type CompletedInbound,
  type InboundRecord,
  type NewOutbound,
  type OutboundRecord,
  type ReceiverProgress,
  type TransferQueue,
} from '../link/TransferQueue.js';

/** Payload stored in 64 KiB rows: small enough to read a block without loading the transfer. */
export const PAYLOAD_CHUNK_BYTES = 65_536;

const SCHEMA = `
CREATE TABLE IF NOT EXISTS link_meta (key TEXT PRIMARY KEY, value INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS link_outbound (
  id INTEGER PRIMARY KEY, dest TEXT NOT NULL, priority INTEGER NOT NULL, expires_at INTEGER,
  created_at INTEGER NOT NULL, size INTEGER NOT NULL, shard_size INTEGER NOT NULL, k INTEGER NOT NULL,
  hash BLOB NOT NULL, next_shard TEXT NOT NULL DEFAULT '[]');
CREATE TABLE IF NOT EXISTS link_outbound_chunk (id INTEGER NOT NULL, n INTEGER NOT NULL, data BLOB NOT NULL, PRIMARY KEY (id, n)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS link_outbound_rx (
  id INTEGER NOT NULL, station TEXT NOT NULL, known INTEGER NOT NULL, done INTEGER NOT NULL,
  receipt BLOB, complete BLOB NOT NULL, PRIMARY KEY (id, station)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS link_inbound (
  sender TEXT NOT NULL, id INTEGER NOT NULL, size INTEGER, shard_size INTEGER, k INTEGER, hash BLOB,
  receivers TEXT, updated_at INTEGER NOT NULL, PRIMARY KEY (sender, id)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS link_inbound_block (
  sender TEXT NOT NULL, id INTEGER NOT NULL, block INTEGER NOT NULL, data BLOB NOT NULL,
  PRIMARY KEY (sender, id, block)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS link_completed (
  sender TEXT NOT NULL, id INTEGER NOT NULL, hash BLOB NOT NULL, receipt BLOB, completed_at INTEGER NOT NULL,
  seq INTEGER NOT NULL, PRIMARY KEY (sender, id)) WITHOUT ROWID;
`;

export interface SqliteTransferQueueOptions {
  /** Database file (created if missing), or `:memory:`. */
  path?: string;
  /** An open database to share (the queue creates its tables in it and never closes it). */
  db?: Database.Database;
  synchronous?: 'NORMAL' | 'FULL';
}

type Row = Record<string, unknown>;
const u8 = (b: unknown): Uint8Array => new Uint8Array(b as Buffer);
const buf = (u: Uint8Array): Buffer => Buffer.from(u.buffer, u.byteOffset, u.byteLength);

export class SqliteTransferQueue implements TransferQueue {
  readonly db: Database.Database;
  private readonly owned: boolean;

  constructor(opts: SqliteTransferQueueOptions) {
    if (!opts.db && !opts.path) throw linkError('RS_ERR_LINK_BAD_ARGUMENT', 'SqliteTransferQueue needs "path" or "db"');
    this.owned = !opts.db;
    this.db = opts.db ?? new Database(opts.path!);
    if (this.owned) {
      this.db.pragma('journal_mode = WAL');
      this.db.pragma(`synchronous = ${opts.synchronous ?? 'NORMAL'}`);
    }
    this.db.exec(SCHEMA);
  }

  // ---------------------------------------------------------------- outbound

  addOutbound(rec: NewOutbound, payload: PayloadSource): OutboundRecord {
    return this.db.transaction((): OutboundRecord => {
      const count = (this.db.prepare('SELECT count(*) AS n FROM link_outbound').get() as { n: number }).n;
      if (count >= MAX_OUTBOUND_TRANSFERS) throw linkError('RS_ERR_LINK_QUEUE_FULL', `outbound queue holds ${MAX_OUTBOUND_TRANSFERS} transfers`);
      const last = (this.db.prepare("SELECT value FROM link_meta WHERE key = 'last_outbound_id'").get() as { value: number } | undefined)?.value ?? 0;
      const inUse = new Set((this.db.prepare('SELECT id FROM link_outbound').all() as Array<{ id: number }>).map((r) => r.id));
      const id = nextTransferId(last, inUse);
      this.db.prepare("INSERT INTO link_meta (key, value) VALUES ('last_outbound_id', ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value").run(id);
      this.db
        .prepare('INSERT INTO link_outbound (id, dest, priority, expires_at, created_at, size, shard_size, k, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)')
        .run(id, JSON.stringify(rec.to), rec.priority, rec.expiresAt, rec.createdAt, rec.size, rec.shardSize, rec.k, buf(rec.hash));
      const insChunk = this.db.prepare('INSERT INTO link_outbound_chunk (id, n, data) VALUES (?, ?, ?)');
      for (let off = 0, n = 0; off < payload.size; off += PAYLOAD_CHUNK_BYTES, n++) {
        insChunk.run(id, n, buf(payload.read(off, Math.min(PAYLOAD_CHUNK_BYTES, payload.size - off))));
      }
      const blocks = planFromGeometry(rec.size, rec.shardSize, rec.k).blockCount;
      const insRx = this.db.prepare('INSERT INTO link_outbound_rx (id, station, known, done, receipt, complete) VALUES (?, ?, 0, 0, NULL, ?)');
      for (const s of rec.to) insRx.run(id, s, buf(emptyBitmap(blocks)));
      return this.getOutbound(id)!;
    })();
  }

  private getOutbound(id: number): OutboundRecord | undefined {
    const r = this.db.prepare('SELECT * FROM link_outbound WHERE id = ?').get(id) as Row | undefined;
    return r ? this.toOutbound(r) : undefined;
  }

  private toOutbound(r: Row): OutboundRecord {
    const id = r.id as number;
    const to = JSON.parse(r.dest as string) as string[];
    const rx = this.db.prepare('SELECT * FROM link_outbound_rx WHERE id = ?').all(id) as Row[];
    const byStation = new Map(rx.map((x) => [x.station as string, x]));
    const receivers: ReceiverProgress[] = to.map((station) => {
      const x = byStation.get(station)!;
      return {
        station,
        known: x.known === 1,
        done: x.done === 1,
        ...(x.receipt ? { receipt: u8(x.receipt) } : {}),
        completeBlocks: u8(x.complete),
      };
    });
    return {
      id,
      to,
      priority: r.priority as number,
      expiresAt: (r.expires_at as number | null) ?? null,
      createdAt: r.created_at as number,
      size: r.size as number,
      shardSize: r.shard_size as number,
      k: r.k as number,
      hash: u8(r.hash),
      receivers,
      nextShard: new Map(JSON.parse(r.next_shard as string) as Array<[number, number]>),
    };
  }

  listOutbound(): OutboundRecord[] {
    return (this.db.prepare('SELECT * FROM link_outbound ORDER BY id').all() as Row[]).map((r) => this.toOutbound(r));
  }

  outboundPayload(id: number): PayloadSource {
    const r = this.db.prepare('SELECT size FROM link_outbound WHERE id = ?').get(id) as { size: number } | undefined;
    if (!r) throw linkError('RS_ERR_LINK_BAD_ARGUMENT', `no outbound transfer ${id}`);
    const stmt = this.db.prepare('SELECT n, data FROM link_outbound_chunk WHERE id = ? AND n BETWEEN ? AND ? ORDER BY n');
    return {
      size: r.size,
      read(offset, len) {
        const out = new Uint8Array(len);
        if (len === 0) return out;
        const first = Math.floor(offset / PAYLOAD_CHUNK_BYTES);
        const last = Math.floor((offset + len - 1) / PAYLOAD_CHUNK_BYTES);
        for (const row of stmt.all(id, first, last) as Array<{ n: number; data: Buffer }>) {
          const start = row.n * PAYLOAD_CHUNK_BYTES;
          const from = Math.max(offset, start);
          const to = Math.min(offset + len, start + row.data.length);
          if (to > from) out.set(row.data.subarray(from - start, to - start), from - offset);
        }
        return out;
      },
    };
  }

  updateReceiver(id: number, p: ReceiverProgress): void {
    this.db
      .prepare('UPDATE link_outbound_rx SET known = ?, done = ?, receipt = ?, complete = ? WHERE id = ? AND station = ?')
      .run(p.known ? 1 : 0, p.done ? 1 : 0, p.receipt ? buf(p.receipt) : null, buf(p.completeBlocks), id, p.station);
  }

  saveNextShard(id: number, nextShard: Map<number, number>): void {
    this.db.prepare('UPDATE link_outbound SET next_shard = ? WHERE id = ?').run(JSON.stringify([...nextShard]), id);
  }

  removeOutbound(id: number): void {
    this.db.transaction(() => {
      for (const t of ['link_outbound', 'link_outbound_chunk', 'link_outbound_rx']) this.db.prepare(`DELETE FROM ${t} WHERE id = ?`).run(id);
    })();
  }

  // ---------------------------------------------------------------- inbound

  private toInbound(r: Row): InboundRecord {
    const rec: InboundRecord = { from: r.sender as string, id: r.id as number, updatedAt: r.updated_at as number };
    if (r.size !== null) rec.size = r.size as number;
    if (r.shard_size !== null) rec.shardSize = r.shard_size as number;
    if (r.k !== null) rec.k = r.k as number;
    if (r.hash !== null) rec.hash = u8(r.hash);
    if (r.receivers !== null) rec.receivers = JSON.parse(r.receivers as string) as string[];
    return rec;
  }

  getInbound(from: string, id: number): InboundRecord | undefined {
    const r = this.db.prepare('SELECT * FROM link_inbound WHERE sender = ? AND id = ?').get(from, id) as Row | undefined;
    return r ? this.toInbound(r) : undefined;
  }

  listInbound(): InboundRecord[] {
    return (this.db.prepare('SELECT * FROM link_inbound ORDER BY updated_at').all() as Row[]).map((r) => this.toInbound(r));
  }

  putInbound(rec: InboundRecord): void {
    this.db.transaction(() => {
      const exists = this.db.prepare('SELECT 1 FROM link_inbound WHERE sender = ? AND id = ?').get(rec.from, rec.id);
      if (!exists) {
        const n = (this.db.prepare('SELECT count(*) AS n FROM link_inbound').get() as { n: number }).n;
        if (n >= MAX_INBOUND_TRANSFERS) {
          const old = this.db.prepare('SELECT sender, id FROM link_inbound ORDER BY updated_at LIMIT 1').get() as { sender: string; id: number };
          this.removeInbound(old.sender, old.id);
        }
      }
      this.db
        .prepare(
          `INSERT INTO link_inbound (sender, id, size, shard_size, k, hash, receivers, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
           ON CONFLICT(sender, id) DO UPDATE SET size = excluded.size, shard_size = excluded.shard_size, k = excluded.k,
           hash = excluded.hash, receivers = excluded.receivers, updated_at = excluded.updated_at`,
        )
        .run(rec.from, rec.id, rec.size ?? null, rec.shardSize ?? null, rec.k ?? null, rec.hash ? buf(rec.hash) : null, rec.receivers ? JSON.stringify(rec.receivers) : null, rec.updatedAt);
    })();
  }

  putInboundBlock(from: string, id: number, block: number, data: Uint8Array): void {
    this.db.prepare('INSERT OR REPLACE INTO link_inbound_block (sender, id, block, data) VALUES (?, ?, ?, ?)').run(from, id, block, buf(data));
  }

  inboundBlocks(from: string, id: number): Set<number> {
    return new Set((this.db.prepare('SELECT block FROM link_inbound_block WHERE sender = ? AND id = ?').all(from, id) as Array<{ block: number }>).map((r) => r.block));
  }

  inboundPayload(from: string, id: number): PayloadSource {
    const rec = this.getInbound(from, id);
    if (!rec || rec.size === undefined || rec.shardSize === undefined || rec.k === undefined) throw linkError('RS_ERR_LINK_BAD_ARGUMENT', `no complete inbound transfer ${from}/${id}`);
    const blockBytes = rec.k * rec.shardSize;
    const stmt = this.db.prepare('SELECT block, data FROM link_inbound_block WHERE sender = ? AND id = ? AND block BETWEEN ? AND ? ORDER BY block');
    return {
      size: rec.size,
      read(offset, len) {
        const out = new Uint8Array(len);
        if (len === 0) return out;
        const first = Math.floor(offset / blockBytes);
        const last = Math.floor((offset + len - 1) / blockBytes);
        const rows = stmt.all(from, id, first, last) as Array<{ block: number; data: Buffer }>;
        if (rows.length !== last - first + 1) throw linkError('RS_ERR_LINK_BAD_ARGUMENT', `inbound ${from}/${id}: blocks ${first}..${last} incomplete`);
        for (const row of rows) {
          const start = row.block * blockBytes;
          const a = Math.max(offset, start);
          const b = Math.min(offset + len, start + row.data.length);
          if (b > a) out.set(row.data.subarray(a - start, b - start), a - offset);
        }
        return out;
      },
    };
  }

  removeInbound(from: string, id: number): void {
    this.db.transaction(() => {
      this.db.prepare('DELETE FROM link_inbound WHERE sender = ? AND id = ?').run(from, id);
      this.db.prepare('DELETE FROM link_inbound_block WHERE sender = ? AND id = ?').run(from, id);
    })();
  }

  // ---------------------------------------------------------------- completed memory

  putCompleted(c: CompletedInbound): void {
    this.db.transaction(() => {
      const seq = ((this.db.prepare('SELECT max(seq) AS m FROM link_completed').get() as { m: number | null }).m ?? 0) + 1;
      this.db
        .prepare('INSERT OR REPLACE INTO link_completed (sender, id, hash, receipt, completed_at, seq) VALUES (?, ?, ?, ?, ?, ?)')
        .run(c.from, c.id, buf(c.hash), c.receipt ? buf(c.receipt) : null, c.completedAt, seq);
      this.db.prepare('DELETE FROM link_completed WHERE seq <= ?').run(seq - MAX_COMPLETED_MEMORY);
    })();
  }

  getCompleted(from: string, id: number): CompletedInbound | undefined {
    const r = this.db.prepare('SELECT * FROM link_completed WHERE sender = ? AND id = ?').get(from, id) as Row | undefined;
    if (!r) return undefined;
    return { from, id, hash: u8(r.hash), ...(r.receipt ? { receipt: u8(r.receipt) } : {}), completedAt: r.completed_at as number };
  }

  close(): void {
    if (this.owned && this.db.open) this.db.close();
  }
}
