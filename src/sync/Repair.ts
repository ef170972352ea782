/**
 * Repair: when two digests differ, find what differs and send it (docs/protocol.md §6.3).
 *
 *   A → B  PROBE: A's summary and vector, an IBLT of A's row leaves and one of its file leaves
 *          (each only where the roots differ), sized for the difference A expects (from the leaf
 *          counts). A is either end: the station answering an idle sync request (HELLO S with the
 *          idle flag) whose hash names another digest, when it has nothing to send by the vectors
 *          (the PROBE is its answer), or the station that ran `sync` when the digests still
 *          differ at the end of its session
 *   B → A  REPLY: B subtracts its own leaves and peels the difference; it sends the full history
 *          of every differing row it holds (a signed changeset, inside the reply), the keys of
 *          the differing rows and files it wants from A, the chunks it lacks, and its vector
 *   A → B  a signed changeset: the full history of the rows B asked for, with the chunks of the
 *          files B lacks; A's cursor for B is set to B's vector, so anything B lost in bulk
 *          (an old backup, a lost database) follows as ordinary changesets
 *
 * One differing row among 100,000 costs one 206-byte table, the row's history and the acks: three
 * transmissions after the sync request, 1.4 KB on air at 9600 bit/s (`npm run bench -- digest`). A table that does not decode (a bigger difference
 * than expected) is sent again four times larger, at most {@link MAX_PROBES} times; past that,
 * the vectors alone drive the resend. Nothing is ever deleted: a repair only adds changes the
 * other side lacks, and merging is what applying always does.
 */
import type { Changeset } from '../changeset/Changeset.js';
import type { Station } from '../station/Station.js';
import type { FolderSync } from './FolderSync.js';
import { LeafIblt, leafElement, type IbltElement } from '../store/leafIblt.js';
import { compareSummaries, decodeSummary, encodeSummary, summarize, type Leaf, type LeafSet, type StateDigest, type DigestSummary } from '../store/digest.js';
import { sealChangeset } from './signedChangeset.js';
import { decodeRepair, encodeRepair, type RepairProbe, type RepairReply } from './repairMessage.js';
import { stateDigest, recordPeerDigest, heldVector } from './stateDigest.js';
import { allChunkHashes } from '../files/planChunks.js';
import { FILES_TABLE } from '../files/FileEntry.js';

/** Probes sent for one repair before falling back to the vectors alone. */
export const MAX_PROBES = 3;
/** Largest expected difference (leaves) for which a table is sent; beyond it the vectors do the work. */
export const MAX_TABLE_ELEMENTS = 3000;

export interface RepairDeps {
  station: Station;
  folders: FolderSync | undefined;
  /** Queue a payload to a peer on the link. */
  send(peer: string, payload: Uint8Array): void;
  /** Apply a signed changeset as if it had arrived on air. */
  apply(sealed: Uint8Array): void;
  /** Queue whatever the peer lacks by the vectors (StationRuntime.sendPending). */
  queueFor(peer: string): void;
  onDone(peer: string, result: RepairResult): void;
  /** The summary this station put in a repair message to `peer` (so a later Q can be spared). */
  noteSummary?(peer: string, summary: Uint8Array): void;
  /** A peer's summary arrived in a REPLY, after its changeset was applied: compare and report it. */
  peerSummary?(peer: string, summary: Uint8Array): void;
}

export interface RepairResult {
  rows: number;
  files: number;
  /** Transmissions this station made for the repair (probes and changesets). */
  sent: number;
  bytes: number;
  fellBack: boolean;
}

interface Pending {
  probes: number;
  scale: number;
  result: RepairResult;
}

/**
 * Fewest cells per sub-table: 4 (12 cells, 206 bytes). One differing element always peels; two
 * fail only when they share a cell in all three sub-tables, (1/4)³ = 1 in 64, and the retry is 4×
 * larger. (8 would make that 1 in 512 for 204 more bytes in every repair.)
 */
export const MIN_SUBCELLS = 4;

/** Cells per sub-table for an expected number of differing elements. */
export function tableSize(elements: number, scale = 1): number {
  return Math.max(MIN_SUBCELLS, Math.ceil((2 * elements * scale) / 3));
}

function expectedElements(mine: LeafSet, theirsCount: number): number {
  return 2 * Math.abs(mine.count - theirsCount) + 4;
}

/** How long a station that asked a prober for rows (REPLY with needs) expects them: 10 minutes. */
export const REPAIR_AWAIT_MS = 600_000;

export class Repair {
  private readonly pending = new Map<string, Pending>();
  /** Peers we asked for rows or files in a REPLY, until their first changeset arrives (or the deadline). */
  private readonly awaiting = new Map<string, number>();

  constructor(private readonly deps: RepairDeps) {}

  /** Whether a repair with `peer` is under way. */
  active(peer: string): boolean {
    return this.pending.has(peer);
  }

  /** Whether we asked `peer` for rows or files (in a REPLY) and none has arrived yet. */
  awaitingFrom(peer: string, now: number): boolean {
    const until = this.awaiting.get(peer);
    if (until === undefined) return false;
    if (now < until) return true;
    this.awaiting.delete(peer);
    return false;
  }

  /** A changeset from `peer` was applied: what we asked it for has started to arrive. */
  heardFrom(peer: string): void {
    this.awaiting.delete(peer);
  }

  /**
   * Start a repair with `peer` whose last summary differs from ours, or (no summary: answering a
   * sync request whose hash names another summary than ours) with tables of the smallest size.
   */
  start(peer: string, theirSummary?: Uint8Array): void {
    const theirs = theirSummary ? decodeSummary(theirSummary) : undefined;
    if (theirSummary && !theirs) return;
    const p: Pending = { probes: 0, scale: 1, result: { rows: 0, files: 0, sent: 0, bytes: 0, fellBack: false } };
    this.pending.set(peer, p);
    this.probe(peer, p, theirs);
  }

  private probe(peer: string, p: Pending, theirs: DigestSummary | undefined): void {
    const st = this.deps.station;
    const mine = stateDigest(st, this.deps.folders);
    const ours = summarize(mine);
    // a table only for a leaf set whose root differs (unknown roots: both)
    const rowsDiffer = !theirs || !Buffer.from(theirs.rowsRoot).equals(Buffer.from(ours.rowsRoot));
    const filesDiffer = !theirs || !Buffer.from(theirs.filesRoot).equals(Buffer.from(ours.filesRoot));
    const re = expectedElements(mine.rows, theirs?.rowsCount ?? mine.rows.count);
    const fe = expectedElements(mine.files, theirs?.filesCount ?? mine.files.count);
    const rows = rowsDiffer && re * p.scale <= MAX_TABLE_ELEMENTS ? new LeafIblt(tableSize(re, p.scale)).addLeaves(mine.rows.leaves.values()) : undefined;
    const files = mine.folders && filesDiffer && fe * p.scale <= MAX_TABLE_ELEMENTS ? new LeafIblt(tableSize(fe, p.scale)).addLeaves(mine.files.leaves.values()) : undefined;
    const summary = encodeSummary(ours);
    this.deps.noteSummary?.(peer, summary);
    const msg: RepairProbe = { kind: 'probe', from: st.callsign, to: peer, summary, vv: heldVector(st), ...(rows ? { rows } : {}), ...(files ? { files } : {}) };
    const bytes = encodeRepair(st, msg);
    p.probes++;
    p.result.sent++;
    p.result.bytes += bytes.length;
    this.deps.send(peer, bytes);
  }

  /** A repair message arrived from the link (already reassembled and hash-checked). */
  onMessage(bytes: Uint8Array): void {
    const m = decodeRepair(this.deps.station, bytes);
    if (!m) {
      this.deps.station.log.bump('dropped.repair-malformed');
      return;
    }
    if (m.kind === 'probe') this.answer(m);
    else this.onReply(m);
  }

  /** B: answer a probe. */
  private answer(m: RepairProbe): void {
    const st = this.deps.station;
    const mine = stateDigest(st, this.deps.folders);
    // what A says it holds is fresh and authenticated: our cursor for A follows it (A lost data → we resend)
    st.records.resetAcked(m.from, m.vv);
    recordPeerDigest(st, m.from, m.summary, { vv: m.vv });
    const rows = m.rows ? peel(m.rows, mine.rows) : { plus: [], minus: [], ok: true };
    const files = m.files ? peel(m.files, mine.files) : { plus: [], minus: [], ok: true };
    const histories = [...rows.minus, ...files.minus].map((l) => l.ref).filter((r): r is NonNullable<Leaf['ref']> => r !== undefined);
    const missing = this.missingChunks(files.minus.concat(files.plus.map((e) => mine.files.byKey8(e.key8)).filter((l): l is Leaf => l !== undefined)));
    const [cs, ...more] = this.historyChangesets(m.from, histories);
    const summary = encodeSummary(summarize(mine));
    this.deps.noteSummary?.(m.from, summary);
    const reply: RepairReply = {
      kind: 'reply',
      from: st.callsign,
      to: m.from,
      summary,
      vv: heldVector(st),
      rowsUndecodable: !rows.ok,
      filesUndecodable: !files.ok,
      needRows: rows.plus.map((e) => e.key8),
      needFiles: files.plus.map((e) => e.key8),
      missingChunks: missing,
      ...(cs ? { changeset: cs } : {}),
    };
    this.deps.send(m.from, encodeRepair(st, reply));
    if (reply.needRows.length + reply.needFiles.length > 0) this.awaiting.set(m.from, st.clock.now() + REPAIR_AWAIT_MS);
    for (const c of more) this.deps.send(m.from, c);
    this.deps.queueFor(m.from);
  }

  /** A: the peer's answer. */
  private onReply(m: RepairReply): void {
    const st = this.deps.station;
    const p = this.pending.get(m.from);
    st.records.resetAcked(m.from, m.vv);
    recordPeerDigest(st, m.from, m.summary, { vv: m.vv });
    if (m.changeset) this.deps.apply(m.changeset);
    this.deps.peerSummary?.(m.from, m.summary);
    if (!p) return; // an answer to a probe we no longer wait for: its data is applied, nothing more
    const mine = stateDigest(st, this.deps.folders);
    const wanted = [...m.needRows.map((k) => mine.rows.byKey8(k)), ...m.needFiles.map((k) => mine.files.byKey8(k))]
      .map((l) => l?.ref)
      .filter((r): r is NonNullable<Leaf['ref']> => r !== undefined);
    const fileIds = wanted.filter((r) => r.table === FILES_TABLE).map((r) => r.id);
    this.forgetPeerChunks(m.from, fileIds, m.missingChunks);
    for (const cs of this.historyChangesets(m.from, wanted, fileIds)) {
      p.result.sent++;
      p.result.bytes += cs.length;
      this.deps.send(m.from, cs);
    }
    p.result.rows += m.needRows.length;
    p.result.files += m.needFiles.length;
    const theirs = decodeSummary(m.summary);
    if ((m.rowsUndecodable || m.filesUndecodable) && theirs && p.probes < MAX_PROBES) {
      p.scale *= 4;
      this.probe(m.from, p, theirs);
      return;
    }
    p.result.fellBack = m.rowsUndecodable || m.filesUndecodable;
    this.deps.queueFor(m.from);
    this.pending.delete(m.from);
    this.deps.onDone(m.from, p.result);
  }

  /** Chunk ids of these file leaves' live versions that this station lacks. */
  private missingChunks(leaves: Leaf[]): Uint8Array[] {
    const f = this.deps.folders;
    const idx = f?.set?.chunks;
    if (!f || !idx) return [];
    const out: Uint8Array[] = [];
    for (const l of leaves) {
      if (!l.ref) continue;
      const row = f.rows().find((r) => Buffer.from(r.id).equals(Buffer.from(l.ref!.id)));
      if (!row || row.deleted || row.entry.type !== 'file') continue;
      for (const h of allChunkHashes(idx, row.entry.chunks)) if (!idx.has(h)) out.push(h);
    }
    return out;
  }

  /** "You thought I had this chunk": forget what the peer was believed to hold for these files. */
  private forgetPeerChunks(peer: string, fileIds: Uint8Array[], missing: Uint8Array[]): void {
    const f = this.deps.folders;
    const idx = f?.set?.chunks;
    if (!f || !idx) return;
    const ids = new Set(fileIds.map((i) => Buffer.from(i).toString('hex')));
    const forget = [...missing];
    for (const r of f.rows()) if (ids.has(Buffer.from(r.id).toString('hex')) && r.entry.type === 'file') forget.push(...allChunkHashes(idx, r.entry.chunks));
    if (forget.length > 0) idx.unmarkPeerHas(peer, forget);
  }

  /**
   * Signed changesets with every change held for these rows (acknowledging nothing: upto = {}),
   * cut into runs the receiver can verify (src/store/buildRuns.ts); the first also carries the
   * chunks of `fileIds` the peer lacks.
   */
  private historyChangesets(to: string, rows: Array<{ table: string; id: Uint8Array }>, fileIds: Uint8Array[] = []): Uint8Array[] {
    const st = this.deps.station;
    const dots = rows.flatMap((r) => st.records.rowHistory(r.table, r.id).map((h) => ({ origin: h.origin, seq: h.seq })));
    let list: Changeset[] = dots.length > 0 ? st.records.buildRunChangesets(to, dots, st.config.limits.rows_per_changeset) : [];
    if (this.deps.folders?.enabled && fileIds.length > 0) {
      const base: Changeset = list[0] ?? { version: 1, from: st.callsign, to: [to], created: st.clock.now(), upto: {}, changes: [], chunks: [] };
      list = [this.deps.folders.attachChunks(base, [to], { ids: fileIds }), ...list.slice(1)];
    }
    return list.filter((cs) => cs.changes.length > 0 || cs.chunks.length > 0).map((cs) => sealChangeset(st, cs));
  }
}

/** Subtract our leaves from the peer's table and peel: + = the peer's leaves we lack, − = ours it lacks. */
function peel(theirs: LeafIblt, mine: LeafSet): { plus: IbltElement[]; minus: Leaf[]; ok: boolean } {
  const d = theirs.subtract(new LeafIblt(theirs.m).addLeaves(mine.leaves.values())).decode();
  if (!d) return { plus: [], minus: [], ok: false };
  const minus: Leaf[] = [];
  for (const e of d.minus) {
    const l = mine.byKey8(e.key8);
    if (l !== undefined && leafElement(l).val4 === e.val4) minus.push(l);
  }
  return { plus: d.plus, minus, ok: true };
}

export function digestsAgree(a: StateDigest, summary: Uint8Array): boolean {
  const s = decodeSummary(summary);
  return s !== undefined && compareSummaries(summarize(a), s).inSync;
}
