/**
 * The peers table, in the spirit of Sahana's `sync_instance`: who a station syncs with, what each
 * peer has acknowledged as durably applied (its version vector, the cursor), when it last synced
 * and how often, and whether its clock was seen out of bounds.
 */
import type { StationId, VersionVector } from '../changeset/Changeset.js';
import { stmt, type StoreContext } from './StoreContext.js';
import { vvMerge } from './vv.js';

export interface PeerInfo {
  station: StationId;
  callsign?: string | null;
  owner?: string | null;
  contact?: string | null;
  url?: string | null;
  publicKey?: Uint8Array | null;
}

export interface PeerRecord extends Required<PeerInfo> {
  acked: VersionVector;
  lastSync: number | null;
  syncCount: number;
  /** `ahead` / `behind` when this station's clock was seen beyond the drift bound, else null. */
  clockFlag: 'ahead' | 'behind' | null;
  clockOffsetMs: number | null;
}

interface PeerRow {
  station: string;
  callsign: string | null;
  owner: string | null;
  contact: string | null;
  url: string | null;
  public_key: Uint8Array | null;
  acked: string;
  last_sync: number | null;
  sync_count: number;
  clock_flag: string | null;
  clock_offset_ms: number | null;
}

function ensure(ctx: StoreContext, station: StationId): void {
  stmt(ctx, 'INSERT OR IGNORE INTO radiosync_peer(station, callsign, first_seen) VALUES (?, ?, ?)').run(
    station,
    station,
    ctx.clock.now(),
  );
}

export function upsertPeer(ctx: StoreContext, p: PeerInfo): void {
  ensure(ctx, p.station);
  const sets: string[] = [];
  const vals: unknown[] = [];
  const add = (col: string, v: unknown): void => {
    if (v !== undefined) {
      sets.push(`${col} = ?`);
      vals.push(v instanceof Uint8Array ? Buffer.from(v) : v);
    }
  };
  add('callsign', p.callsign);
  add('owner', p.owner);
  add('contact', p.contact);
  add('url', p.url);
  add('public_key', p.publicKey);
  if (sets.length > 0) ctx.db.prepare(`UPDATE radiosync_peer SET ${sets.join(', ')} WHERE station = ?`).run(...vals, p.station);
}

function toRecord(r: PeerRow): PeerRecord {
  return {
    station: r.station,
    callsign: r.callsign,
    owner: r.owner,
    contact: r.contact,
    url: r.url,
    publicKey: r.public_key === null ? null : new Uint8Array(r.public_key),
    acked: JSON.parse(r.acked) as VersionVector,
    lastSync: r.last_sync,
    syncCount: r.sync_count,
    clockFlag: r.clock_flag === 'ahead' || r.clock_flag === 'behind' ? r.clock_flag : null,
    clockOffsetMs: r.clock_offset_ms,
  };
}

export function getPeer(ctx: StoreContext, station: StationId): PeerRecord | undefined {
  const r = stmt(ctx, 'SELECT * FROM radiosync_peer WHERE station = ?').get(station) as PeerRow | undefined;
  return r === undefined ? undefined : toRecord(r);
}

export function listPeers(ctx: StoreContext): PeerRecord[] {
  return (stmt(ctx, 'SELECT * FROM radiosync_peer ORDER BY station').all() as PeerRow[]).map(toRecord);
}

/**
 * Record what a peer acknowledged as durably applied. The cursor only moves forward (an old or
 * duplicated acknowledgement changes nothing).
 */
export function acknowledge(ctx: StoreContext, station: StationId, vv: VersionVector): VersionVector {
  return ctx.db.transaction(() => {
    ensure(ctx, station);
    const cur = getPeer(ctx, station)!.acked;
    const next = vvMerge(cur, vv);
    stmt(ctx, 'UPDATE radiosync_peer SET acked = ?, last_sync = ? WHERE station = ?').run(
      JSON.stringify(next),
      ctx.clock.now(),
      station,
    );
    return next;
  })();
}

/**
 * Replace what a peer holds by what it says it holds (its own version vector, from a receipt newer
 * than any before): the one case where the cursor may move back, for a station restored from an
 * old backup or that lost its state. The caller orders receipts by time.
 */
export function resetAcked(ctx: StoreContext, station: StationId, vv: VersionVector): void {
  ctx.db.transaction(() => {
    ensure(ctx, station);
    stmt(ctx, 'UPDATE radiosync_peer SET acked = ?, last_sync = ? WHERE station = ?').run(JSON.stringify(vv), ctx.clock.now(), station);
  })();
}

/** A changeset from this station was applied: count the sync. */
export function touchPeer(ctx: StoreContext, station: StationId, now: number): void {
  ensure(ctx, station);
  stmt(ctx, 'UPDATE radiosync_peer SET last_sync = ?, sync_count = sync_count + 1 WHERE station = ?').run(now, station);
}

export function flagClock(ctx: StoreContext, station: StationId, flag: 'ahead' | 'behind', offsetMs: number): void {
  ensure(ctx, station);
  stmt(ctx, 'UPDATE radiosync_peer SET clock_flag = ?, clock_offset_ms = ? WHERE station = ?').run(
    flag,
    Math.round(offsetMs),
    station,
  );
}
