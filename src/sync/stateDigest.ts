/**
 * A station's state digest (src/store/digest.ts) and the verdict two digests give: "in sync", or
 * "differs: N rows, M files". The verdict is always computed from this station's digest, taken now,
 * and the peer's last digest (heard at the end of a session or read from a bundle receipt): never
 * from what this station believes it sent.
 *
 * The peer's digest is kept in the station log (key `digest:<CALL>`): the 34-byte summary (hex),
 * when it was taken, and, from bundles, the peer's full vector.
 */
import type { VersionVector } from '../changeset/Changeset.js';
import type { Station } from '../station/Station.js';
import { compareSummaries, decodeSummary, encodeSummary, rowLeafCount, rowLeaves, summarize, type DigestSummary, type StateCount, type StateDigest } from '../store/digest.js';
import { rowsBeyond } from '../store/rowsBeyond.js';
import type { FolderSync } from './FolderSync.js';
import { fileLeaves } from './fileLeaves.js';

export function stateDigest(st: Station, folders?: FolderSync): StateDigest {
  st.records.capture();
  return { vv: st.records.versionVector(), folders: folders?.enabled === true, rows: rowLeaves(st.records.db), files: fileLeaves(folders) };
}

/** The same digest reduced to its counts and roots: memory bounded whatever the number of rows (receipts, verdicts). */
export function stateCount(st: Station, folders?: FolderSync): StateCount {
  st.records.capture();
  return { vv: st.records.versionVector(), folders: folders?.enabled === true, rows: rowLeafCount(st.records.db), files: fileLeaves(folders) };
}

/**
 * What this station holds, as it tells its peers (receipts, repair messages): its version vector
 * with its own origin always present (0 when it holds none of its own changes), so a peer can tell
 * a station restored from an old backup that its own later changes are missing.
 */
export function heldVector(st: Station): VersionVector {
  const vv = st.records.versionVector();
  return { ...vv, [st.callsign]: vv[st.callsign] ?? 0 };
}

export function summaryBytes(st: Station, folders?: FolderSync): Uint8Array {
  return encodeSummary(summarize(stateCount(st, folders)));
}

export interface PeerDigestRecord {
  summary: string;
  at: number;
  /** The peer's own version vector, when it travelled (bundle receipts). */
  vv?: VersionVector;
  /** Rows and files found to differ by the last repair exchange, if one ran. */
  differing?: { rows: number; files: number };
}

const key = (peer: string): string => `digest:${peer.toUpperCase()}`;

export function recordPeerDigest(st: Station, peer: string, summary: Uint8Array, extra: Omit<PeerDigestRecord, 'summary' | 'at'> = {}): boolean {
  if (decodeSummary(summary) === undefined) return false;
  st.log.setJson(key(peer), { summary: Buffer.from(summary).toString('hex'), at: st.clock.now(), ...extra } satisfies PeerDigestRecord);
  return true;
}

export function peerDigest(st: Station, peer: string): (PeerDigestRecord & { decoded: DigestSummary }) | undefined {
  const r = st.log.getJson<PeerDigestRecord | null>(key(peer));
  if (!r) return undefined;
  const decoded = decodeSummary(new Uint8Array(Buffer.from(r.summary, 'hex')));
  return decoded ? { ...r, decoded } : undefined;
}

export type Verdict =
  | { state: 'in sync'; at: number }
  | { state: 'differs'; rows: number; files: number; at: number }
  | { state: 'unknown'; reason: string };

/** The verdict for one peer, from this station's digest now and the peer's last one. */
export function verdictFor(st: Station, peer: string, mine: StateDigest | StateCount): Verdict {
  const theirs = peerDigest(st, peer);
  if (!theirs) return { state: 'unknown', reason: 'no digest from this peer yet' };
  const cmp = compareSummaries(summarize(mine), theirs.decoded);
  if (cmp.inSync) return { state: 'in sync', at: theirs.at };
  // how much differs: what this station holds beyond the peer's vector (exact when the vector
  // travelled), the peer's surplus of rows, and at least one wherever the roots disagree
  const peerVv = theirs.vv ?? st.records.peer(peer.toUpperCase())?.acked ?? {};
  let rows = rowsBeyond(st.records.db, peerVv, 'rows');
  let files = cmp.filesDiffer ? rowsBeyond(st.records.db, peerVv, 'files') : 0;
  rows = Math.max(rows, Math.abs(theirs.decoded.rowsCount - mine.rows.count), cmp.rowsDiffer ? 1 : 0, theirs.differing?.rows ?? 0);
  files = Math.max(files, cmp.filesDiffer ? Math.abs(theirs.decoded.filesCount - mine.files.count) : 0, cmp.filesDiffer ? 1 : 0, cmp.filesDiffer ? (theirs.differing?.files ?? 0) : 0);
  if (!cmp.rowsDiffer) rows = 0;
  return { state: 'differs', rows, files, at: theirs.at };
}

export function formatVerdict(v: Verdict): string {
  return v.state === 'in sync' ? 'in sync' : v.state === 'differs' ? `differs: ${v.rows} rows, ${v.files} files` : `unknown (${v.reason})`;
}
