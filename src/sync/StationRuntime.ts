/**
 * A station on the air: the one place that wires the layers together.
 *
 *   store ──build──▶ changeset ──seal──▶ Link (fec, frames, acks) ──AX.25 UI──▶ FramePort (TNC)
 *   store ◀─apply── changeset ◀─open─── Link ◀──────────────────────AX.25 UI── FramePort
 *
 * Frames from stations that are not trusted peers are counted and dropped before the link sees
 * them (they never reach the store or move a cursor). A changeset's final ack carries a 43-byte
 * receipt ("durably applied" + the changeset's 8-byte payload hash, so an old ack replayed onto a
 * reused transfer id does not count, + the receiver's 34-byte state digest summary), authenticated
 * with the pair's MAC; only then does the sender move that peer's acknowledged version vector to
 * the changeset's `upto`. The sender then compares the two digests and answers with HELLO 'Q'
 * (they agree) or 'D' (its own summary): both ends know whether they are in sync (docs/protocol.md §6).
 */
import type { Clock } from '../clock/Clock.js';
import { decodeAx25, encodeUiFrame } from '../framing/ax25.js';
import { formatCallsign, parseCallsign } from '../framing/callsign.js';
import { DEFAULT_GROUP_ADDRESS, Link, type LinkOptions } from '../link/Link.js';
import { decodeFrame } from '../link/decodeFrame.js';
import { FrameType } from '../link/frameHeader.js';
import type { TransferQueue } from '../link/TransferQueue.js';
import type { DeliveredEvent, FailedEvent, InboundDelivery } from '../link/linkEvents.js';
import { isRadiosyncError } from '../errors/RadiosyncError.js';
import type { VersionVector } from '../changeset/Changeset.js';
import type { Station } from '../station/Station.js';
import type { FramePort } from './FramePort.js';
import { applyIncoming, type IncomingResult } from './applyIncoming.js';
import { sealChangeset } from './signedChangeset.js';
import { buildGroupChangeset } from './groupChangeset.js';
import { pairwiseAuthenticator } from './pairwiseAuthenticator.js';
import { hashEqual, payloadHash } from '../link/payloadHash.js';
import { bytesSource, type PayloadSource } from '../link/PayloadSource.js';
import { beaconBody, nothingPendingAgreeBody, nothingPendingBody, parseHello } from './hello.js';
import { peerDigest } from './stateDigest.js';
import { DigestExchange } from './DigestExchange.js';
import { Repair, type RepairResult } from './Repair.js';
import { isRepairMessage } from './repairMessage.js';
import { DIGEST_SUMMARY_BYTES } from '../store/digest.js';
import type { SyncRequestOptions } from './syncRequest.js';
import { FolderSync, type FolderApplyReport, type SentFiles } from './FolderSync.js';
import { publishSyncEvent } from './syncDiagnostics.js';

/** AX.25 PID "no layer 3": every radiosync frame uses it. */
const PID_NO_L3 = 0xf0;
/** Receipt byte: the changeset was durably applied. */
export const RECEIPT_APPLIED = 0x01;
/** Receipt byte: the changeset was refused (bad signature, not addressed here, corrupt); don't resend it as is. */
export const RECEIPT_REFUSED = 0x02;
/**
 * Receipt byte: the changeset was applied except for one or more origin runs that were refused
 * (recorded for `status`). The sender must not count it as held: its cursor does not move, so what
 * was refused is not believed delivered (issue #18).
 */
export const RECEIPT_PARTIAL = 0x03;
/** An applied or partial receipt: its byte, the transfer's 8-byte payload hash, our digest summary. */
const RECEIPT_WITH_DIGEST_BYTES = 1 + 8 + DIGEST_SUMMARY_BYTES;

export interface RuntimeOptions {
  station: Station;
  port: FramePort;
  bitrate: number;
  clock?: Clock;
  queue?: TransferQueue;
  /** Apply changesets that arrive (false for `send`, which applies nothing). Default true. */
  acceptInbound?: boolean;
  /** Answer a peer's sync request by sending it what it lacks. Default true. */
  answerSyncRequests?: boolean;
  /** Folder sync: file entries and chunks ride in the same changesets. Default: none. */
  folders?: FolderSync;
  /** Back-off of repeated sync requests (src/sync/syncRequest.ts). */
  syncRequest?: Partial<SyncRequestOptions>;
  link?: Partial<Omit<LinkOptions, 'clock' | 'station' | 'bitrate' | 'transmit' | 'queue' | 'deliver' | 'authenticator'>>;
}

export interface OutboundInfo {
  transferId: number;
  to: string[];
  upto: VersionVector;
  rows: number;
  bytes: number;
  createdAt: number;
  /**
   * Payload hash (hex) of the signed changeset; a receipt must name it (an old ack replayed onto a
   * reused transfer id does not). Text, because the record is kept as JSON in the station log
   * until the peer acknowledges it (`tx:<id>`).
   */
  hash?: string;
  /** The `@files` rows and chunks it carried (what the peer holds once it acknowledges). */
  files?: SentFiles;
}

export interface RuntimeCounters {
  /** AX.25 frames that did not decode, were not UI/PID F0, or not radiosync frames. */
  foreignFrames: number;
  /** Frames from stations that are not trusted peers. */
  untrustedFrames: number;
  /** Inbound transfer frames dropped because this session accepts none (`send`). */
  inboundRefused: number;
  changesetsApplied: number;
  changesetsRefused: number;
  rowsApplied: number;
  conflicts: number;
  beaconsSent: number;
}

type Events = {
  applied: IncomingResult;
  refused: { from: string; code: string; message: string };
  files: { from: string; report: FolderApplyReport };
  /** A changeset was queued for sending: by a session, the daemon, or in answer to a sync request. */
  queued: { info: OutboundInfo };
  acknowledged: { peer: string; info: OutboundInfo };
  failed: FailedEvent;
  heard: { from: string; radiosync: boolean };
  /** A peer's state digest summary arrived (receipt, HELLO N or D) or a peer agreed with ours (Q). */
  digest: { from: string; inSync: boolean };
  /** A repair this station started finished its exchange (src/sync/Repair.ts). */
  repaired: { peer: string; result: RepairResult };
  /** A peer answered a sync request (HELLO N, or a changeset from it). */
  answered: { from: string };
};

export class StationRuntime {
  readonly station: Station;
  readonly link: Link;
  readonly clock: Clock;
  readonly folders: FolderSync | undefined;
  readonly counters: RuntimeCounters = {
    foreignFrames: 0, untrustedFrames: 0, inboundRefused: 0,
    changesetsApplied: 0, changesetsRefused: 0, rowsApplied: 0, conflicts: 0, beaconsSent: 0,
  };
  private readonly port: FramePort;
  private readonly me: ReturnType<typeof parseCallsign>;
  private readonly acceptInbound: boolean;
  /** AX.25 destination of group transfers and beacons (the link's, so both agree). */
  private readonly groupAddress: string;
  private readonly answerSyncRequests: boolean;
  private readonly listeners = new Map<keyof Events, Set<(e: never) => void>>();
  private readonly unsubscribe: Array<() => void> = [];
  private readonly digests: DigestExchange;
  private readonly repair: Repair;
  /** Link transfer ids of repair messages this runtime queued (their receipts carry a digest). */
  private readonly repairTransfers = new Set<number>();

  constructor(opts: RuntimeOptions) {
    this.station = opts.station;
    this.port = opts.port;
    this.clock = opts.clock ?? opts.station.clock;
    this.me = parseCallsign(opts.station.callsign);
    this.acceptInbound = opts.acceptInbound ?? true;
    this.answerSyncRequests = opts.answerSyncRequests ?? true;
    this.folders = opts.folders?.enabled ? opts.folders : undefined;
    const cfg = opts.station.config.radio;
    this.groupAddress = opts.link?.groupAddress ?? DEFAULT_GROUP_ADDRESS;
    this.link = new Link({
      frameBytes: cfg.frame_bytes,
      txDelayMs: cfg.txdelay_ms,
      txTailMs: cfg.txtail_ms,
      maxBurstMs: opts.station.config.schedule.max_burst_s * 1000,
      tncQueueFrames: cfg.tnc_queue_frames,
      maxPartialPerSender: opts.station.config.limits.partial_transfers_per_sender,
      maxPartialTotal: opts.station.config.limits.partial_transfers_total,
      maxReassemblyBytes: opts.station.config.limits.reassembly_bytes,
      ...opts.link,
      groupAddress: this.groupAddress,
      clock: this.clock,
      station: opts.station.callsign,
      bitrate: opts.bitrate,
      transmit: (b) => this.transmit(b.to, b.frames, b.continued ?? false),
      ...(opts.queue ? { queue: opts.queue } : {}),
      deliver: (d) => this.deliver(d),
      authenticator: pairwiseAuthenticator(opts.station),
    });
    this.unsubscribe.push(this.port.onFrame((f) => this.onAx25(f)));
    if (this.port.onIdle) this.unsubscribe.push(this.port.onIdle(() => this.link.transmitDone()));
    this.unsubscribe.push(this.link.on('delivered', (e) => this.onDelivered(e)));
    this.unsubscribe.push(this.link.on('failed', (e) => this.emit('failed', e)));
    this.unsubscribe.push(this.link.on('hello', (h) => this.onHello(h.from, h.body)));
    this.digests = new DigestExchange({
      station: this.station,
      folders: this.folders,
      clock: this.clock,
      sendHello: (to, body) => this.sendHello(to, body),
      onDigest: (from, inSync) => this.emit('digest', { from, inSync }),
      onAnswered: (from) => this.emit('answered', { from }),
      idleTowards: (peer) => this.idleTowards(peer),
      ...(opts.syncRequest ? { backoff: opts.syncRequest } : {}),
    });
    this.unsubscribe.push(this.on('applied', (e) => (this.digests.answeredBy(e.from), this.repair.heardFrom(e.from))), this.on('refused', (e) => this.digests.answeredBy(e.from)));
    this.unsubscribe.push(() => this.digests.close());
    this.repair = new Repair({
      station: this.station,
      folders: this.folders,
      send: (peer, payload) => void this.repairTransfers.add(this.link.enqueue({ to: [peer], payload, priority: 1, expiresAt: null })),
      apply: (sealed) => void this.applySealed('', sealed),
      queueFor: (peer) => void this.sendPending([peer]),
      onDone: (peer, result) => this.emit('repaired', { peer, result }),
      noteSummary: (peer, summary) => this.digests.noteSent(peer, summary),
      peerSummary: (peer, summary) => this.digests.onPeerSummary(peer, summary, false),
    });
  }

  on<K extends keyof Events>(event: K, listener: (e: Events[K]) => void): () => void {
    let s = this.listeners.get(event);
    if (!s) this.listeners.set(event, (s = new Set()));
    s.add(listener as (e: never) => void);
    return () => s!.delete(listener as (e: never) => void);
  }

  private emit<K extends keyof Events>(event: K, e: Events[K]): void {
    publishSyncEvent(this.station.callsign, event, e);
    for (const l of this.listeners.get(event) ?? []) (l as (e: Events[K]) => void)(e);
  }

  /**
   * Queue what the given stations have not acknowledged, as one signed changeset (one
   * transmission for the whole group). Returns undefined when there is nothing to send.
   */
  sendPending(to: string[], opts: { priority?: number; expiresAt?: number | null } = {}): OutboundInfo | undefined {
    const peers = [...new Set(to.map((t) => t.toUpperCase()))];
    const inFlight = new Set(this.outboundInfos().flatMap((i) => i.to));
    const fresh = peers.filter((p) => !inFlight.has(p));
    if (fresh.length === 0) return undefined;
    const cs = buildGroupChangeset(this.station, fresh, this.folders);
    if (cs.changes.length === 0 && cs.chunks.length === 0) return undefined;
    const sealed = sealChangeset(this.station, cs);
    const transferId = this.link.enqueue({ to: fresh, payload: sealed, priority: opts.priority ?? 0, expiresAt: opts.expiresAt ?? null });
    const info: OutboundInfo = {
      transferId,
      to: fresh,
      upto: cs.upto,
      rows: cs.changes.length,
      bytes: sealed.length,
      createdAt: this.clock.now(),
      hash: Buffer.from(payloadHash(bytesSource(sealed))).toString('hex'),
      ...(this.folders ? { files: FolderSync.sentFiles(cs) } : {}),
    };
    this.station.log.setJson(`tx:${transferId}`, info);
    this.emit('queued', { info });
    return info;
  }

  /**
   * Drop the transfers queued for `peer` alone: the caller knows that the peer now holds
   * everything this station holds (an online session with it ended in sync), so whatever they
   * carry is already there. A group transfer is left alone (its other receivers may still need
   * it). Returns what was dropped; counted as `sent.cancelled` in `status`.
   */
  cancelQueuedFor(peer: string): OutboundInfo[] {
    const p = peer.toUpperCase();
    const out: OutboundInfo[] = [];
    for (const info of this.outboundInfos()) {
      if (info.to.length !== 1 || info.to[0] !== p || !this.link.cancel(info.transferId)) continue;
      this.station.log.setJson(`tx:${info.transferId}`, null);
      this.station.log.bump('sent.cancelled');
      out.push(info);
    }
    return out;
  }

  /**
   * Nothing of ours is owed to `peer`: no transfer to it is queued, and its acknowledged vector
   * covers every origin we hold (its own aside). A sync request says so (HELLO S, idle flag).
   */
  idleTowards(peer: string): boolean {
    const p = peer.toUpperCase();
    if (this.link.pendingOutbound().some((t) => t.pending.includes(p))) return false;
    const acked = this.station.records.peer(p)?.acked ?? {};
    return Object.entries(this.station.records.versionVector()).every(([origin, seq]) => origin === p || (acked[origin] ?? 0) >= seq);
  }

  /** Scan the folders and record what changed (before queueing; a no-op without folders). */
  async captureFolders(): Promise<number> {
    return this.folders ? (await this.folders.capture()).changes : 0;
  }

  /** Outbound transfers still queued (survives restarts), with what each carries. */
  outboundInfos(): OutboundInfo[] {
    return this.link
      .pendingOutbound()
      // a transfer every receiver finished (a kill -9 between its last ack and its removal) is not in flight
      .filter((p) => p.pending.length > 0)
      .map((p) => this.station.log.getJson<OutboundInfo>(`tx:${p.id}`))
      .filter((i): i is OutboundInfo => i !== undefined && i !== null);
  }

  /**
   * Ask a peer to send what this station lacks (in the same key-up as whatever goes next), and ask
   * again with back-off until it answers (HELLO N, or a changeset from it) or `until` passes.
   */
  requestSync(peer: string, until = Number.POSITIVE_INFINITY): void {
    this.digests.requestSync(peer.toUpperCase(), until);
  }

  /** Tell a peer our digest, unasked (HELLO D, ask = 0). */
  tellDigest(peer: string): void {
    this.digests.tellDigest(peer.toUpperCase());
  }

  /** Ask a peer for its verdict on our digest (HELLO D, ask = 1), again with back-off until it answers. */
  askDigest(peer: string, until = Number.POSITIVE_INFINITY): void {
    this.digests.askDigest(peer.toUpperCase(), until);
  }

  /** A beacon: a tiny UI frame that identifies the station. */
  beacon(): void {
    this.sendHello(this.groupAddress, beaconBody(this.station.callsign));
    this.counters.beaconsSent++;
  }

  /** HELLOs go through the link, so they take their turn on the channel like everything else. */
  private sendHello(to: string, body: Uint8Array): void {
    this.link.beacon(body, to);
  }

  private transmit(to: string, frames: Uint8Array[], continued: boolean): void {
    const destination = parseCallsign(to);
    const digipeaters = this.station.config.radio.digipeaters.map((d) => ({ ...parseCallsign(d), repeated: false }));
    for (const info of frames) {
      this.port.send(encodeUiFrame({ destination, source: this.me, digipeaters, command: true, pid: PID_NO_L3, info }), { to, infoBytes: info.length, ...(continued ? { continued } : {}) });
    }
  }

  private onAx25(bytes: Uint8Array): void {
    const r = decodeAx25(bytes);
    if (!r.ok) {
      this.counters.foreignFrames++;
      return;
    }
    const from = formatCallsign(r.frame.source);
    const to = formatCallsign(r.frame.destination);
    const now = this.clock.now();
    const frame = r.frame.pid === PID_NO_L3 ? decodeFrame(r.frame.info) : undefined;
    const isOurs = frame?.ok === true;
    this.station.log.heard(from, now, isOurs);
    this.emit('heard', { from, radiosync: isOurs });
    if (!isOurs) {
      this.counters.foreignFrames++;
      return;
    }
    // frames for other stations go to the link, which counts them (one counter) and drops them
    const forUs = to === this.station.callsign || to === this.groupAddress;
    if (forUs && !this.station.isTrusted(from)) {
      this.counters.untrustedFrames++;
      this.station.log.bump('dropped.untrusted');
      return;
    }
    if (forUs && !this.acceptInbound && (frame.frame.type === FrameType.Data || frame.frame.type === FrameType.Announce)) {
      this.counters.inboundRefused++;
      return;
    }
    // decoded once, here: the link takes the frame as it is
    this.link.receiveFrame(from, to, frame.frame, r.frame.info.length);
  }

  private deliver(d: InboundDelivery): Uint8Array {
    const bytes = d.bytes();
    if (isRepairMessage(bytes)) {
      this.repair.onMessage(bytes);
      // a PROBE or REPLY answers a sync request of ours (the peer found nothing to send by the vectors)
      this.digests.answeredBy(d.from);
      return this.receipt(RECEIPT_APPLIED, d.from, d.source);
    }
    const verdict = this.applySealed(d.from, bytes);
    if (verdict === 'refused') return Uint8Array.of(RECEIPT_REFUSED);
    return this.receipt(verdict === 'applied' ? RECEIPT_APPLIED : RECEIPT_PARTIAL, d.from, d.source);
  }

  /** A receipt that names the transfer and carries our digest for `from`: RECEIPT_WITH_DIGEST_BYTES. */
  private receipt(kind: number, from: string, source: PayloadSource): Uint8Array {
    return Uint8Array.of(kind, ...payloadHash(source), ...this.digests.summaryFor(from));
  }

  /**
   * Apply a signed changeset (from the air, or inside a repair reply): 'applied', 'partial' when
   * an origin run inside it was refused, 'refused' when the whole changeset was.
   */
  private applySealed(from: string, bytes: Uint8Array): 'applied' | 'partial' | 'refused' {
    try {
      const res = applyIncoming(this.station, bytes);
      this.counters.changesetsApplied++;
      this.counters.rowsApplied += res.result.applied;
      this.counters.conflicts += res.result.conflicts;
      if (this.folders) {
        // chunks and pending rows are stored before the first await; writing files may take longer
        const from = res.from;
        this.folders.applyIncoming(res.changeset, res.result).then(
          (report) => this.emit('files', { from, report }),
          (err: unknown) => this.station.log.bump(`files.${isRadiosyncError(err) ? err.code : 'error'}`),
        );
      }
      this.emit('applied', res);
      return res.result.refused.length > 0 ? 'partial' : 'applied';
    } catch (e) {
      if (!isRadiosyncError(e)) throw e;
      this.counters.changesetsRefused++;
      this.station.log.bump(`dropped.${e.code}`);
      this.emit('refused', { from, code: e.code, message: e.message });
      return 'refused';
    }
  }

  /**
   * Whether `peer` still has something on its way to us: a transfer arriving, or rows we asked it
   * for in a repair REPLY that have not come yet. A session waits for it before judging.
   */
  expecting(peer: string): boolean {
    const p = peer.toUpperCase();
    return this.link.receivingFrom(p) || this.repair.awaitingFrom(p, this.clock.now());
  }

  /** Start a repair with a peer whose last digest differs from ours (src/sync/Repair.ts). */
  startRepair(peer: string): boolean {
    const d = peerDigest(this.station, peer);
    if (!d || this.repair.active(peer)) return false;
    this.repair.start(peer.toUpperCase(), new Uint8Array(Buffer.from(d.summary, 'hex')));
    return true;
  }

  private onDelivered(e: DeliveredEvent): void {
    const info = this.station.log.getJson<OutboundInfo>(`tx:${e.transferId}`);
    if (!info) {
      // a repair message of ours: no cursor to move, but its receipt carries the peer's digest
      // (anything else without info is an old or repeated delivery: nothing to answer)
      if (this.repairTransfers.delete(e.transferId) && e.receipt?.[0] === RECEIPT_APPLIED && e.receipt.length === RECEIPT_WITH_DIGEST_BYTES) {
        // the peer judged our summary (in the repair message) against its own: no Q when they agree
        const theirs = e.receipt.subarray(9);
        this.digests.onPeerSummary(e.to, theirs, true, this.digests.lastSentAgrees(e.to, theirs));
      }
      return;
    }
    // the receipt names the changeset it acknowledges: a replayed ack of an earlier transfer with the same id does not count
    if (e.receipt?.[0] === RECEIPT_APPLIED && info.hash !== undefined && hashEqual(e.receipt.subarray(1, 9), Buffer.from(info.hash, 'hex'))) {
      this.station.records.acknowledge(e.to, info.upto);
      this.station.records.countSync(e.to);
      if (info.files) this.folders?.onAcknowledged(e.to, info.files);
      this.emit('acknowledged', { peer: e.to, info });
      if (e.receipt.length === RECEIPT_WITH_DIGEST_BYTES) this.digests.onPeerSummary(e.to, e.receipt.subarray(9), true);
    } else if (e.receipt?.[0] === RECEIPT_PARTIAL && e.receipt.length === RECEIPT_WITH_DIGEST_BYTES) {
      // partly refused: no cursor moves, but the peer's digest is true and shows that it differs
      this.station.log.bump('sent.partly_refused');
      this.digests.onPeerSummary(e.to, e.receipt.subarray(9), true);
    }
    if (this.link.pendingOutbound().every((p) => p.id !== e.transferId)) this.station.log.setJson(`tx:${e.transferId}`, null);
  }

  private onHello(from: string, body: Uint8Array): void {
    if (!this.station.isTrusted(from)) return;
    const h = parseHello(body);
    if (this.digests.onHello(from, h)) return;
    if (h.kind !== 'sync-request' || !this.answerSyncRequests) return;
    const answer = () => {
      const queued = this.sendPending([from]) ?? this.outboundInfos().find((i) => i.to.includes(from));
      if (queued) return;
      // neither side has anything to send by the vectors, yet the digests differ: the PROBE is the
      // answer (it carries our summary), one round trip sooner than N and then a PROBE from the asker
      if (h.idle && !this.digests.agreesWith(h.hash) && !this.repair.active(from)) this.repair.start(from);
      else if (this.digests.agreesWith(h.hash)) this.sendHello(from, nothingPendingAgreeBody(h.hash));
      else this.sendHello(from, nothingPendingBody(this.digests.summaryFor(from)));
    };
    if (!this.folders) return answer();
    this.captureFolders().then(answer, (err: unknown) => {
      this.station.log.bump(`files.${isRadiosyncError(err) ? err.code : 'error'}`);
      answer();
    });
  }

  close(): void {
    for (const u of this.unsubscribe) u();
    this.link.close();
    // what the link refused this session goes to the station log, for `status`
    const st = this.link.stats;
    for (const [name, n] of [
      ['dropped.ack_for_unsent_burst', st.acksUnsentBurst],
      ['dropped.ack_stale', st.acksStale],
      ['dropped.bad_tag', st.authFailures],
      ['dropped.bad_frame', st.badFrames],
    ] as const) {
      if (n > 0) this.station.log.bump(name, n);
    }
  }
}
