/**
 * HELLO bodies (the link carries them opaquely, at most 64 bytes; src/link/controlFrames.ts):
 *
 *   0x42 'B' ‖ ASCII text      beacon: "radiosync/1 <CALL>", readable in any AX.25 monitor; the
 *                              AX.25 source address is the station identification
 *   0x53 'S' ‖ h (8 B) ‖ f (1 B)
 *                              sync request: "send me what I have not acknowledged" (the `sync`
 *                              command's second half, as in the blueprint: A sends, then B sends),
 *                              with h = SHA-256(the asker's 34-byte summary)[0..8]: a peer whose own
 *                              summary hashes to h knows at once that the two are in sync. f bit 0
 *                              (idle): nothing of the asker's is queued for the peer, so a peer whose
 *                              summary differs and that has nothing to send either starts a repair
 *                              (a PROBE, src/sync/Repair.ts) instead of answering 'N'. Bits 1–7 zero.
 *                              Repeated with back-off until answered (src/sync/syncRequest.ts).
 *   0x4E 'N' ‖ summary (34 B)  answer to a sync request: "I have nothing you lack", and the
 *                              answerer's state digest summary (src/store/digest.ts)
 *   0x4E 'N' ‖ h (8 B)         the same answer when the request's h named the answerer's own summary:
 *                              "nothing you lack, and we agree" (h echoed; the asker knows which
 *                              summary it named, so the 34 bytes need not travel)
 *   0x44 'D' ‖ summary (34 B) ‖ ask (1 B)
 *                              "this is my state digest": sent after comparing a peer's digest
 *                              (from an 'N' or a final-ack receipt) and finding that they differ
 *                              (ask = 0), or to ask for the peer's verdict (ask = 1: the peer
 *                              answers 'Q' if they agree, else 'D' with ask = 0; repeated with
 *                              back-off until answered)
 *   0x51 'Q' ‖ h (8 B)         "your digest equals mine": h = SHA-256(your 34-byte summary)[0..8];
 *                              sent instead of 'D' when the two agree (after a receipt or a D; after an 'N' it is
 *                              sent only when the asker's S named another summary: the in-sync
 *                              `sync` costs 8 + 34 bytes of digest, S ‖ h then N ‖ summary)
 *
 * A body that does not parse is ignored (counted by the caller), never an exception.
 */
import { createHash } from 'node:crypto';
import { DIGEST_SUMMARY_BYTES } from '../store/digest.js';

export const HelloKind = { Beacon: 0x42, SyncRequest: 0x53, NothingPending: 0x4e, Digest: 0x44, Agree: 0x51 } as const;
export const AGREE_HASH_BYTES = 8;

export function beaconBody(callsign: string): Uint8Array {
  return new TextEncoder().encode(`Bradiosync/1 ${callsign}`);
}

/** Flag bit of a sync request: nothing of the asker's is queued for the peer. */
export const SYNC_REQUEST_IDLE = 0x01;

export function syncRequestBody(summary: Uint8Array, idle = false): Uint8Array {
  return Uint8Array.of(HelloKind.SyncRequest, ...agreeHash(summary), idle ? SYNC_REQUEST_IDLE : 0);
}

export function nothingPendingBody(summary: Uint8Array): Uint8Array {
  return Uint8Array.of(HelloKind.NothingPending, ...summary);
}

/** 'N' ‖ h: nothing pending, and the asker's summary (hash h, from its S) is ours too. */
export function nothingPendingAgreeBody(hash: Uint8Array): Uint8Array {
  return Uint8Array.of(HelloKind.NothingPending, ...hash);
}

export function digestBody(summary: Uint8Array, ask = false): Uint8Array {
  return Uint8Array.of(HelloKind.Digest, ...summary, ask ? 1 : 0);
}

export function agreeHash(summary: Uint8Array): Uint8Array {
  return new Uint8Array(createHash('sha256').update(summary).digest().subarray(0, AGREE_HASH_BYTES));
}

export function agreeBody(theirSummary: Uint8Array): Uint8Array {
  return Uint8Array.of(HelloKind.Agree, ...agreeHash(theirSummary));
}

export type ParsedHello =
  | { kind: 'beacon'; text: string }
  | { kind: 'sync-request'; hash: Uint8Array; idle: boolean }
  | { kind: 'nothing-pending'; summary: Uint8Array | undefined; agree?: Uint8Array }
  | { kind: 'digest'; summary: Uint8Array; ask: boolean }
  | { kind: 'agree'; hash: Uint8Array }
  | { kind: 'unknown' };

export function parseHello(body: Uint8Array): ParsedHello {
  const k = body[0];
  if (k === HelloKind.Beacon) return { kind: 'beacon', text: new TextDecoder().decode(body.subarray(1)) };
  if (k === HelloKind.SyncRequest && body.length === 2 + AGREE_HASH_BYTES && (body[1 + AGREE_HASH_BYTES]! & ~SYNC_REQUEST_IDLE) === 0) {
    return { kind: 'sync-request', hash: body.slice(1, 1 + AGREE_HASH_BYTES), idle: body[1 + AGREE_HASH_BYTES] === SYNC_REQUEST_IDLE };
  }
  if (k === HelloKind.NothingPending) {
    if (body.length === 1 + AGREE_HASH_BYTES) return { kind: 'nothing-pending', summary: undefined, agree: body.slice(1) };
    return { kind: 'nothing-pending', summary: body.length === 1 + DIGEST_SUMMARY_BYTES ? body.slice(1) : undefined };
  }
  if (k === HelloKind.Digest && body.length === 2 + DIGEST_SUMMARY_BYTES && body[body.length - 1]! <= 1) {
    return { kind: 'digest', summary: body.slice(1, 1 + DIGEST_SUMMARY_BYTES), ask: body[body.length - 1] === 1 };
  }
  if (k === HelloKind.Agree && body.length === 1 + AGREE_HASH_BYTES) return { kind: 'agree', hash: body.slice(1) };
  return { kind: 'unknown' };
}
