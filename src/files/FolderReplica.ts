/**
 * A self-contained folder replica for tests and benchmarks: one station's folder, with its own
 * per-entry version vectors and HLC instead of the record store. Replicas exchange bundles of
 * entry versions plus the chunks the peer lacks, and acknowledge what they durably applied, so
 * conflicts, relays and convergence can be tested end to end now. The real path (the record store
 * stamping origin/seq/hlc, changesets over the link) replaces the bundle, not the disk work: both
 * call FolderSet.scan / FolderSet.apply / planChunks.
 */
import type { Chunk, VersionVector } from '../changeset/Changeset.js';
import type { ApplyItem, ApplyReport } from './applyEntries.js';
import { makeError } from '../errors/RadiosyncError.js';
import { toHex } from './chunkHash.js';
import { FILES_ERRORS } from './errors.js';
import { needsConflictCopy, pickFileWinner } from './fileConflict.js';
import { applyFields, type FileEntry, type FileRowState } from './FileEntry.js';
import type { FolderSet } from './FolderSet.js';
import { allChunkHashes, planChunks } from './planChunks.js';
import type { ScanOptions, ScanResult } from './scanFolder.js';

export interface ReplicaVersion {
  vv: VersionVector;
  hlc: bigint;
  origin: string;
  deleted: boolean;
  entry: FileEntry;
}

export interface FilesBundle {
  from: string;
  rows: Array<{ id: Uint8Array; version: ReplicaVersion }>;
  chunks: Chunk[];
}

export interface FilesAck {
  from: string;
  rows: Array<{ id: Uint8Array; vv: VersionVector }>;
  /** Chunks the acknowledging station now holds. */
  chunks: Uint8Array[];
  /** Chunks it needed and could not find (the sender stops assuming it holds them). */
  missing: Uint8Array[];
}

export type VvOrder = 'equal' | 'before' | 'after' | 'concurrent';

/** Order of version vector `a` relative to `b`. */
export function compareVv(a: VersionVector, b: VersionVector): VvOrder {
  let less = false;
  let more = false;
  for (const k of new Set([...Object.keys(a), ...Object.keys(b)])) {
    const x = a[k] ?? 0;
    const y = b[k] ?? 0;
    if (x < y) less = true;
    if (x > y) more = true;
  }
  if (less && more) return 'concurrent';
  if (less) return 'before';
  if (more) return 'after';
  return 'equal';
}

export function mergeVv(a: VersionVector, b: VersionVector): VersionVector {
  const out: VersionVector = { ...a };
  for (const [k, v] of Object.entries(b)) out[k] = Math.max(out[k] ?? 0, v);
  return out;
}

export interface FolderReplicaOptions {
  station: string;
  set: FolderSet;
  share: string;
  /** Wall clock (ms) for the HLC. */
  now: () => number;
}

export class FolderReplica {
  readonly station: string;
  readonly set: FolderSet;
  readonly share: string;
  /** id hex → current version. */
  readonly rows = new Map<string, ReplicaVersion>();
  /** peer → id hex → version vector the peer acknowledged. */
  private readonly acked = new Map<string, Map<string, VersionVector>>();
  private readonly now: () => number;
  private lastHlc = 0n;

  constructor(opts: FolderReplicaOptions) {
    this.station = opts.station;
    this.set = opts.set;
    this.share = opts.share;
    this.now = opts.now;
  }

  private tick(): bigint {
    const wall = BigInt(Math.floor(this.now())) << 16n;
    this.lastHlc = wall > this.lastHlc ? wall : this.lastHlc + 1n;
    return this.lastHlc;
  }

  /** Scan the folder and record local changes as new versions of their rows. */
  async scan(opts: ScanOptions = {}): Promise<ScanResult> {
    const res = await this.set.scan(this.share, opts);
    for (const ch of res.changes) {
      const key = toHex(ch.id);
      const prev = this.rows.get(key);
      const vv = { ...(prev?.vv ?? {}) };
      vv[this.station] = (vv[this.station] ?? 0) + 1;
      if (ch.kind === 'delete') {
        if (!prev) continue;
        this.rows.set(key, { vv, hlc: this.tick(), origin: this.station, deleted: true, entry: prev.entry });
      } else {
        const base = prev && !prev.deleted ? prev.entry : undefined;
        const entry = applyFields(base ?? prev?.entry, ch.fields);
        if (!entry) throw makeError(FILES_ERRORS, 'RS_ERR_FILES_BAD_ENTRY', `scan produced an incomplete entry for ${key}`, { share: this.share, id: key });
        this.rows.set(key, { vv, hlc: this.tick(), origin: this.station, deleted: false, entry });
      }
    }
    return res;
  }

  /** Everything `peer` has not acknowledged, with the chunks it lacks. */
  bundleFor(peer: string): FilesBundle {
    const seen = this.acked.get(peer) ?? new Map<string, VersionVector>();
    const rows: FilesBundle['rows'] = [];
    for (const [key, v] of this.rows) {
      const ack = seen.get(key);
      if (ack && (compareVv(v.vv, ack) === 'equal' || compareVv(v.vv, ack) === 'before')) continue;
      rows.push({ id: Buffer.from(key, 'hex'), version: v });
    }
    const roots = rows.filter((r) => !r.version.deleted && r.version.entry.type === 'file').map((r) => r.version.entry.chunks);
    const plan = planChunks(this.set.chunks, roots, (h) => this.set.chunks.peerHas(peer, h));
    return { from: this.station, rows, chunks: plan.chunks };
  }

  private asState(id: Uint8Array, v: ReplicaVersion): FileRowState {
    return { id, deleted: v.deleted, entry: v.entry, origin: v.origin, hlc: v.hlc };
  }

  /** Apply a bundle; returns the acknowledgement to send back and the disk report. */
  async receive(bundle: FilesBundle): Promise<{ ack: FilesAck; report: ApplyReport }> {
    const held: Uint8Array[] = [];
    held.push(...this.set.chunks.putMany(bundle.chunks));
    // The sender holds what it sent: remember that, so nothing is echoed back to it.
    const fromPeer = this.ackedBy(bundle.from);
    for (const { id, version } of bundle.rows) {
      const k = toHex(id);
      fromPeer.set(k, mergeVv(fromPeer.get(k) ?? {}, version.vv));
    }
    const senderHas: Uint8Array[] = bundle.chunks.map((c) => c.hash);
    const items: ApplyItem[] = [];
    const decided = new Map<string, ReplicaVersion>();
    const ackRows: FilesAck['rows'] = [];
    for (const { id, version: inc } of bundle.rows) {
      if (inc.hlc > this.lastHlc) this.lastHlc = inc.hlc;
      const key = toHex(id);
      const local = this.rows.get(key);
      const order = local ? compareVv(inc.vv, local.vv) : 'after';
      if (order === 'equal' || order === 'before') {
        ackRows.push({ id, vv: inc.vv });
        continue;
      }
      if (order === 'after') {
        decided.set(key, inc);
        items.push({ winner: this.asState(id, inc) });
        continue;
      }
      const { winner, loser } = pickFileWinner(inc, local!);
      const merged: ReplicaVersion = { ...winner, vv: mergeVv(inc.vv, local!.vv) };
      decided.set(key, merged);
      items.push({ winner: this.asState(id, merged), losers: needsConflictCopy(winner, loser) ? [this.asState(id, loser)] : [] });
    }
    const report = await this.set.apply(this.share, items);
    const incoming = new Map(bundle.rows.map((r) => [toHex(r.id), r.version]));
    const notApplied = new Set(report.deferred.map((d) => d.path));
    for (const it of items) {
      const key = toHex(it.winner.id);
      if (notApplied.has(it.winner.entry.path)) continue;
      const v = decided.get(key)!;
      this.rows.set(key, v);
      ackRows.push({ id: it.winner.id, vv: v.vv });
      if (!v.deleted && v.entry.type === 'file') {
        const hashes = allChunkHashes(this.set.chunks, v.entry.chunks);
        held.push(...hashes);
        if (v === incoming.get(key)) senderHas.push(...hashes);
      }
    }
    this.set.chunks.markPeerHas(bundle.from, senderHas);
    const missing = report.deferred.flatMap((d) => d.missing ?? []);
    return { ack: { from: this.station, rows: ackRows, chunks: held, missing }, report };
  }

  /** Record a peer's acknowledgement (its manifest). */
  private ackedBy(peer: string): Map<string, VersionVector> {
    let m = this.acked.get(peer);
    if (!m) this.acked.set(peer, (m = new Map()));
    return m;
  }

  onAck(ack: FilesAck): void {
    const m = this.ackedBy(ack.from);
    for (const r of ack.rows) {
      const k = toHex(r.id);
      m.set(k, mergeVv(m.get(k) ?? {}, r.vv));
    }
    this.set.chunks.markPeerHas(ack.from, ack.chunks);
    this.set.chunks.unmarkPeerHas(ack.from, ack.missing);
  }

  /** The live entries as path → entry (for comparisons). */
  liveEntries(): Map<string, FileEntry> {
    const out = new Map<string, FileEntry>();
    for (const v of this.rows.values()) if (!v.deleted) out.set(v.entry.path, v.entry);
    return out;
  }
}

/** One sync pass from `a` to `b` (scan both, send, acknowledge). Returns what was sent and applied. */
export async function syncOnce(a: FolderReplica, b: FolderReplica): Promise<{ bundle: FilesBundle; report: ApplyReport }> {
  await a.scan();
  await b.scan();
  const bundle = a.bundleFor(b.station);
  const { ack, report } = await b.receive(bundle);
  a.onAck(ack);
  return { bundle, report };
}
