/**
 * One sync session over the online transport (docs/protocol.md §7.4): both directions at once over
 * an authenticated, encrypted channel (src/online/). No FEC, no airtime budget: the same signed
 * changesets and receipts as radio and bundles, as records of one stream.
 *
 *   record  = type (1) ‖ body
 *   0x01 STATE      ‖ receipt (src/sync/receipt.ts): what the sender holds (vector, digest, chunks)
 *   0x02 CHANGESET  ‖ seq (u32 BE) ‖ signed changeset (src/sync/signedChangeset.ts)
 *   0x03 ACK        ‖ seq (u32 BE) ‖ result (1): 0x01 applied, 0x02 refused, 0x03 partly refused
 *   0x04 DONE       "I have sent you everything I had"
 *   0x05 FINAL      ‖ receipt, taken after both directions finished: the verdict comes from it
 *   0x06 ABORT      ‖ error code (ASCII): the sender gives up the session
 *
 * Both ends send STATE first. Each takes the other's vector as that peer's cursor (what it really
 * holds, as a bundle receipt does) and sends what it lacks, one changeset at a time, at most
 * {@link ONLINE_WINDOW} unacknowledged. The receiver applies each changeset whole, in its own
 * transaction, and only then acks it; the sender moves the cursor on the ack. A cut stream leaves
 * whole changesets applied and nothing partial; the next session's STATE resumes from there.
 * When an end has had all its changesets acked and has the other's DONE, it sends FINAL; the
 * session ends when both FINALs have crossed.
 */
import type { SecureChannel } from '../online/SecureChannel.js';
import { makeError, isRadiosyncError } from '../errors/RadiosyncError.js';
import { ONLINE_ERRORS } from '../online/errors.js';
import type { Station } from '../station/Station.js';
import type { VersionVector } from '../changeset/Changeset.js';
import { FolderSync, type SentFiles } from './FolderSync.js';
import { changesetStream } from './bundleExport.js';
import { openReceipt, sealReceipt } from './receipt.js';
import { retryParkedRows } from './captureRecords.js';
import { heldVector, recordPeerDigest, stateCount, verdictFor, type Verdict } from './stateDigest.js';
import { encodeSummary, summarize, type StateCount } from '../store/digest.js';
import { applyIncoming } from './applyIncoming.js';

export const OnlineRecord = { State: 0x01, Changeset: 0x02, Ack: 0x03, Done: 0x04, Final: 0x05, Abort: 0x06 } as const;
export const AckResult = { Applied: 0x01, Refused: 0x02, Partial: 0x03 } as const;
/** Changesets in flight, unacknowledged: 8 (each at most ONLINE_CHANGESET_BYTES: 32 MiB bounds the receiver's backlog). */
export const ONLINE_WINDOW = 8;
/** Rows per online changeset: 5,000 (small enough that building the next overlaps applying this one). */
export const ONLINE_ROWS_PER_CHANGESET = 5_000;
/** Largest online changeset: 4 MiB (fits MAX_RECORD_BYTES with its 5-byte header). */
export const ONLINE_CHANGESET_BYTES = 4 * 1024 * 1024;

export interface OnlineEvent {
  kind: 'connected' | 'sent' | 'acknowledged' | 'applied' | 'refused' | 'done';
  peer: string;
  rows?: number;
  bytes?: number;
  detail?: string;
}

export interface OnlineResult {
  peer: string;
  ok: boolean;
  durationMs: number;
  sent: { changesets: number; rows: number; bytes: number; acknowledged: number };
  received: { changesets: number; rows: number; conflicts: number; refused: number; files: number };
  verdict: Verdict;
  /** Rows this station holds but has not written to the application's tables at the end (parked). */
  waiting?: number;
  bytesIn: number;
  bytesOut: number;
}

export interface OnlineExchangeOptions {
  folders?: FolderSync | undefined;
  onEvent?: (e: OnlineEvent) => void;
  /** Rows per changeset (default ONLINE_ROWS_PER_CHANGESET). */
  rowsPerChangeset?: number;
}

const u32 = (n: number) => Uint8Array.of(n >>> 24, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff);
const readU32 = (b: Uint8Array, o: number) => ((b[o]! << 24) >>> 0) + (b[o + 1]! << 16) + (b[o + 2]! << 8) + b[o + 3]!;
const protocol = (msg: string) => makeError(ONLINE_ERRORS, 'RS_ERR_ONLINE_PROTOCOL', msg);

function record(type: number, ...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(1 + parts.reduce((n, p) => n + p.length, 0));
  out[0] = type;
  let o = 1;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

/** A one-shot signal that can be awaited. */
function signal(): { promise: Promise<void>; fire: () => void } {
  let fire!: () => void;
  const promise = new Promise<void>((r) => (fire = r));
  return { promise, fire };
}

export async function onlineExchange(station: Station, ch: SecureChannel, opts: OnlineExchangeOptions = {}): Promise<OnlineResult> {
  const start = station.clock.now();
  const peer = ch.peer;
  retryParkedRows(station);
  const fs = opts.folders?.enabled ? opts.folders : undefined;
  const result: OnlineResult = {
    peer,
    ok: false,
    durationMs: 0,
    sent: { changesets: 0, rows: 0, bytes: 0, acknowledged: 0 },
    received: { changesets: 0, rows: 0, conflicts: 0, refused: 0, files: 0 },
    verdict: { state: 'unknown', reason: 'session did not finish' },
    bytesIn: 0,
    bytesOut: 0,
  };
  const pending = new Map<number, { upto: VersionVector; rows: number; files?: SentFiles }>();
  let windowFreed = signal();
  const gotState = signal();
  const gotDone = signal();
  let allAcked = signal();
  let peerFinal = false;
  let failed: unknown;

  /** This station's digest when it sent FINAL: nothing changes after that, so the verdict reuses it. */
  let finalDigest: StateCount | undefined;
  const receipt = (digest: StateCount = stateCount(station, fs)) => sealReceipt(station, peer, { vv: heldVector(station), summary: encodeSummary(summarize(digest)), chunks: fs?.heldChunks() ?? [] });
  const takeReceipt = (body: Uint8Array, final: boolean) => {
    const rc = openReceipt(station, body);
    if (rc.from !== peer) throw protocol(`receipt from ${rc.from} on ${peer}'s channel`);
    if (!final) {
      station.records.resetAcked(peer, rc.vv);
      fs?.onReceipt(peer, rc.chunks);
    }
    recordPeerDigest(station, peer, rc.summary, { vv: rc.vv });
  };

  const reader = async (): Promise<void> => {
    let nextSeq = 0;
    let sawState = false;
    let sawDone = false;
    while (!peerFinal) {
      const rec = await ch.receive();
      const type = rec[0];
      if (type === OnlineRecord.State && !sawState) {
        takeReceipt(rec.subarray(1), false);
        sawState = true;
        gotState.fire();
      } else if (!sawState) {
        throw protocol(`record 0x${(type ?? 0).toString(16)} before STATE`);
      } else if (type === OnlineRecord.Changeset && !sawDone) {
        if (rec.length < 5 || readU32(rec, 1) !== nextSeq) throw protocol('changeset out of sequence');
        const seq = nextSeq++;
        let res: number = AckResult.Refused;
        try {
          const inc = applyIncoming(station, rec.subarray(5));
          result.received.changesets++;
          result.received.rows += inc.result.applied;
          result.received.conflicts += inc.result.conflicts;
          res = inc.result.refused.length > 0 ? AckResult.Partial : AckResult.Applied;
          if (fs) {
            const f = await fs.applyIncoming(inc.changeset, inc.result);
            result.received.files += f.written.length + f.deleted.length;
          }
          opts.onEvent?.({ kind: 'applied', peer, rows: inc.result.applied });
        } catch (e) {
          if (!isRadiosyncError(e)) throw e;
          result.received.refused++;
          station.log.bump(`dropped.${e.code}`);
          opts.onEvent?.({ kind: 'refused', peer, detail: e.code });
        }
        await ch.send(record(OnlineRecord.Ack, u32(seq), Uint8Array.of(res)));
      } else if (type === OnlineRecord.Ack && rec.length === 6) {
        const seq = readU32(rec, 1);
        const p = pending.get(seq);
        if (!p) throw protocol(`ack for changeset ${seq}, which is not in flight`);
        pending.delete(seq);
        if (rec[5] === AckResult.Applied) {
          station.records.acknowledge(peer, p.upto);
          if (p.files) fs?.onAcknowledged(peer, p.files);
          result.sent.acknowledged++;
          opts.onEvent?.({ kind: 'acknowledged', peer, rows: p.rows });
        } else {
          station.log.bump(rec[5] === AckResult.Partial ? 'sent.partly_refused' : 'sent.refused');
        }
        windowFreed.fire();
        if (pending.size === 0) allAcked.fire();
      } else if (type === OnlineRecord.Done && !sawDone) {
        sawDone = true;
        gotDone.fire();
      } else if (type === OnlineRecord.Final && sawDone) {
        takeReceipt(rec.subarray(1), true);
        peerFinal = true;
      } else if (type === OnlineRecord.Abort) {
        throw makeError(ONLINE_ERRORS, 'RS_ERR_ONLINE_CLOSED', `${peer} gave up the session: ${new TextDecoder().decode(rec.subarray(1))}`, { remoteCode: new TextDecoder().decode(rec.subarray(1)) });
      } else {
        throw protocol(`unexpected record 0x${(type ?? 0).toString(16)}`);
      }
    }
  };

  const writer = async (): Promise<void> => {
    if (fs) await fs.capture();
    await ch.send(record(OnlineRecord.State, receipt()));
    await Promise.race([gotState.promise, readerDone]);
    if (failed) return;
    let seq = 0;
    for (const next of changesetStream(station, [peer], fs, ONLINE_CHANGESET_BYTES, { maxChanges: opts.rowsPerChangeset ?? ONLINE_ROWS_PER_CHANGESET })) {
      while (pending.size >= ONLINE_WINDOW) {
        await Promise.race([windowFreed.promise, readerDone]);
        if (failed) return;
        windowFreed = signal();
      }
      pending.set(seq, { upto: next.changeset.upto, rows: next.changeset.changes.length, ...(fs ? { files: FolderSync.sentFiles(next.changeset) } : {}) });
      allAcked = pending.size === 1 ? signal() : allAcked;
      await ch.send(record(OnlineRecord.Changeset, u32(seq), next.sealed));
      seq++;
      result.sent.changesets++;
      result.sent.rows += next.changeset.changes.length;
      result.sent.bytes += next.sealed.length;
      opts.onEvent?.({ kind: 'sent', peer, rows: next.changeset.changes.length, bytes: next.sealed.length });
      if (failed) return;
    }
    await ch.send(record(OnlineRecord.Done));
    if (pending.size > 0) await Promise.race([allAcked.promise, readerDone]);
    await Promise.race([gotDone.promise, readerDone]);
    if (failed) return;
    finalDigest = stateCount(station, fs);
    await ch.send(record(OnlineRecord.Final, receipt(finalDigest)));
  };

  const readerDone: Promise<void> = reader().catch((e: unknown) => {
    failed ??= e;
  });
  try {
    await writer().catch((e: unknown) => {
      failed ??= e;
      ch.destroy();
    });
    await readerDone;
    if (failed) throw failed;
  } catch (e) {
    if (isRadiosyncError(e) && e.code !== 'RS_ERR_ONLINE_CLOSED') await ch.send(record(OnlineRecord.Abort, new TextEncoder().encode(e.code))).catch(() => undefined);
    ch.destroy();
    throw e;
  } finally {
    result.bytesIn = ch.bytesIn;
    result.bytesOut = ch.bytesOut;
    result.durationMs = station.clock.now() - start;
  }
  ch.end();
  station.records.countSync(peer);
  result.verdict = verdictFor(station, peer, finalDigest ?? stateCount(station, fs));
  result.waiting = station.records.parkedCount();
  result.ok = result.verdict.state === 'in sync' && result.received.refused === 0 && result.sent.acknowledged === result.sent.changesets;
  opts.onEvent?.({ kind: 'done', peer, detail: result.verdict.state });
  return result;
}
