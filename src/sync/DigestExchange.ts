/**
 * The digest half of a station on the air (docs/protocol.md §3.3, §6): what this station says
 * about its state and what it makes of what its peers say.
 *
 * - `summaryFor(peer)`: our 34-byte summary now, remembered as the one last sent to that peer
 *   (a final-ack receipt or an 'N' carries it; a 'Q' must name it).
 * - `onPeerSummary`: a peer's summary arrived (receipt, N, D): keep it, compare, answer Q or D.
 * - `onHello`: the N / D / Q bodies; sync requests are the runtime's.
 * - sync requests and digest asks repeat with back-off until answered (src/sync/syncRequest.ts).
 */
import type { Clock } from '../clock/Clock.js';
import type { Station } from '../station/Station.js';
import type { FolderSync } from './FolderSync.js';
import { agreeBody, agreeHash, digestBody, syncRequestBody, type ParsedHello } from './hello.js';
import { recordPeerDigest, summaryBytes } from './stateDigest.js';
import { compareSummaries, decodeSummary } from '../store/digest.js';
import { DEFAULT_SYNC_REQUEST, SyncRequester, type SyncRequestOptions } from './syncRequest.js';

export interface DigestExchangeDeps {
  station: Station;
  folders: FolderSync | undefined;
  clock: Clock;
  sendHello(to: string, body: Uint8Array): void;
  /** A digest arrived from a peer (or a peer agreed with ours). */
  onDigest(from: string, inSync: boolean): void;
  /** A peer answered our sync request. */
  onAnswered(from: string): void;
  /** Nothing of ours is queued for `peer` (the idle flag of a sync request). */
  idleTowards(peer: string): boolean;
  backoff?: Partial<SyncRequestOptions>;
}

export class DigestExchange {
  private readonly lastSent = new Map<string, Uint8Array>();
  /** The summary whose hash our last sync request to each peer carried. */
  private readonly lastRequest = new Map<string, Uint8Array>();
  private readonly requester: SyncRequester;
  private readonly asker: SyncRequester;

  constructor(private readonly deps: DigestExchangeDeps) {
    this.requester = new SyncRequester(
      deps.clock,
      (peer) => {
        const mine = summaryBytes(deps.station, deps.folders);
        this.lastRequest.set(peer, mine);
        deps.sendHello(peer, syncRequestBody(mine, deps.idleTowards(peer)));
      },
      deps.backoff,
    );
    // asks go to a peer that stays only while it hears us (the session linger, 30 s): they repeat at
    // the base interval (10 s), never growing past it, so a run of lost answers cannot outlast it
    const base = deps.backoff?.baseMs ?? DEFAULT_SYNC_REQUEST.baseMs;
    this.asker = new SyncRequester(deps.clock, (peer) => deps.sendHello(peer, digestBody(this.summaryFor(peer), true)), { baseMs: base, factor: 1, maxMs: base });
  }

  /** Send a sync request now and again with back-off until answered or `until`. */
  requestSync(peer: string, until: number): void {
    this.requester.request(peer, until);
  }

  /** Ask for the peer's verdict on our digest (HELLO D, ask = 1), repeated until it answers. */
  askDigest(peer: string, until: number): void {
    this.asker.request(peer, until);
  }

  /** Tell a peer our digest now, unasked (HELLO D, ask = 0): `send` does, so the receiver can judge without us. */
  tellDigest(peer: string): void {
    this.deps.sendHello(peer, digestBody(this.summaryFor(peer), false));
  }

  /** Something from `peer` answers our sync request (a changeset, or N). */
  answeredBy(peer: string): void {
    if (this.requester.answered(peer)) this.deps.onAnswered(peer);
  }

  /** A summary of ours went to `peer` inside another message (a repair message). */
  noteSent(peer: string, summary: Uint8Array): void {
    this.lastSent.set(peer, summary);
  }

  /** Whether `theirs` agrees with the summary we last sent to `peer` (the peer could judge that itself). */
  lastSentAgrees(peer: string, theirs: Uint8Array): boolean {
    const sent = this.lastSent.get(peer);
    const a = sent && decodeSummary(sent);
    const b = decodeSummary(theirs);
    return a !== undefined && b !== undefined && compareSummaries(a, b).inSync;
  }

  /** Whether a sync request's hash names our summary now. */
  agreesWith(hash: Uint8Array): boolean {
    const mine = summaryBytes(this.deps.station, this.deps.folders);
    return agreeHash(mine).every((b, i) => b === hash[i]);
  }

  /** Our summary now (34 bytes), remembered as the last sent to `peer`. */
  summaryFor(peer: string): Uint8Array {
    const s = summaryBytes(this.deps.station, this.deps.folders);
    this.lastSent.set(peer, s);
    return s;
  }

  /**
   * A peer's summary arrived: keep it, compare, and (reply) tell the peer what we found: Q, or D
   * with ask = 0. `peerKnows`: the peer already knows we agree (our S named this very summary).
   */
  onPeerSummary(from: string, summary: Uint8Array, reply: boolean, peerKnows = false): void {
    const theirs = decodeSummary(summary);
    if (!theirs || !recordPeerDigest(this.deps.station, from, summary)) return;
    const mine = this.summaryFor(from);
    const inSync = compareSummaries(decodeSummary(mine)!, theirs).inSync;
    if (reply && !(inSync && peerKnows)) this.deps.sendHello(from, inSync ? agreeBody(summary) : digestBody(mine, false));
    this.digestHeard(from, inSync);
  }

  /** N, D and Q bodies from a trusted peer. Returns false for bodies that are not about digests. */
  onHello(from: string, h: ParsedHello): boolean {
    if (h.kind === 'nothing-pending') {
      this.answeredBy(from);
      const asked = this.lastRequest.get(from);
      if (h.summary) this.onPeerSummary(from, h.summary, true, asked !== undefined && Buffer.from(asked).equals(Buffer.from(h.summary)));
      // 'N' ‖ h: the peer's summary is the one our request named
      else if (h.agree && asked && agreeHash(asked).every((b, i) => b === h.agree![i]) && recordPeerDigest(this.deps.station, from, asked)) this.digestHeard(from, true);
      return true;
    }
    if (h.kind === 'digest') {
      this.onPeerSummary(from, h.summary, h.ask);
      return true;
    }
    if (h.kind === 'sync-request') {
      // the asker's summary hashes to ours: we agree (the runtime answers the request itself)
      const mine = summaryBytes(this.deps.station, this.deps.folders);
      if (agreeHash(mine).every((b, i) => b === h.hash[i]) && recordPeerDigest(this.deps.station, from, mine)) this.digestHeard(from, true);
      return false;
    }
    if (h.kind === 'agree') {
      const sent = this.lastSent.get(from);
      if (sent && agreeHash(sent).every((b, i) => b === h.hash[i]) && recordPeerDigest(this.deps.station, from, sent)) this.digestHeard(from, true);
      return true;
    }
    return false;
  }

  private digestHeard(from: string, inSync: boolean): void {
    this.asker.answered(from);
    this.deps.onDigest(from, inSync);
  }

  close(): void {
    this.requester.close();
    this.asker.close();
  }
}
