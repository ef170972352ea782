/**
 * Receipts: a station's authenticated statement of what it holds, sent back to a station that
 * gives it data. Over the air the link's final ack carries a short MAC-only receipt (see
 * StationRuntime); in a bundle, the full form below (docs/protocol.md §7.2):
 *
 *   CBOR array [ from: text, to: text, vv: map text → uint, at: uint ms,
 *                summary: bstr (34 B, src/store/digest.ts), chunks: bstr (n × 16 B chunk ids) ]
 *   ‖ tag (8 bytes)
 *
 * - `vv` is the writer's own version vector: everything it holds, whatever it was sent. A
 *   station restored from an old backup says so here, and the reader sends it what it lacks again.
 * - `summary` is its state digest: the reader's verdict (in sync / differs) is taken from it.
 * - `chunks` are the file chunks the writer holds for its live files: the reader then sends only
 *   the chunks it lacks (after a first sync by bundle, an edit costs about one chunk).
 *
 * The tag is the pairwise HMAC (src/auth/pairwise.ts) between `from` and `to`. A replayed
 * receipt changes nothing: the reader keeps the newest by `at`.
 */
import { decode as cborDecode } from 'cbor-x';
import { cborUint, encodeDeterministic } from '../util/deterministicCbor.js';
import type { VersionVector } from '../changeset/Changeset.js';
import { macTag, TAG_BYTES, verifyTag } from '../auth/pairwise.js';
import { makeError } from '../errors/RadiosyncError.js';
import { AUTH_ERRORS } from '../auth/errors.js';
import { SYNC_ERRORS } from './errors.js';
import type { Station } from '../station/Station.js';
import { DIGEST_SUMMARY_BYTES } from '../store/digest.js';
import { CHUNK_HASH_BYTES } from '../files/limits.js';

/** Most chunk ids one receipt lists: 1,048,576 (16 MiB of ids, 64 GiB of files at 64 KiB chunks). */
export const MAX_RECEIPT_CHUNKS = 1 << 20;

export interface Receipt {
  from: string;
  to: string;
  vv: VersionVector;
  at: number;
  summary: Uint8Array;
  chunks: Uint8Array[];
}

export interface ReceiptContent {
  vv: VersionVector;
  summary: Uint8Array;
  chunks: Uint8Array[];
}

export function sealReceipt(station: Station, to: string, content: ReceiptContent): Uint8Array {
  const key = station.pairKey(to);
  if (key === undefined) throw makeError(AUTH_ERRORS, 'RS_ERR_AUTH_UNKNOWN_SIGNER', `no key for ${to}: add it with \`radiosync peer add\``, { station: to });
  const ids = new Uint8Array(content.chunks.length * CHUNK_HASH_BYTES);
  content.chunks.forEach((c, i) => ids.set(c.subarray(0, CHUNK_HASH_BYTES), i * CHUNK_HASH_BYTES));
  const body = encodeDeterministic([station.callsign, to, content.vv, Math.trunc(station.clock.now()), content.summary, ids]);
  const out = new Uint8Array(body.length + TAG_BYTES);
  out.set(body);
  out.set(macTag(key, body), body.length);
  return out;
}

export function openReceipt(station: Station, bytes: Uint8Array): Receipt {
  const bad = (why: string, cause?: unknown) => makeError(SYNC_ERRORS, 'RS_ERR_SYNC_ACK_MALFORMED', why, {}, cause);
  if (bytes.length <= TAG_BYTES) throw bad('receipt too short');
  const body = bytes.subarray(0, bytes.length - TAG_BYTES);
  let v: unknown;
  try {
    v = cborDecode(body);
  } catch (e) {
    throw bad('receipt is not CBOR', e);
  }
  // `at` is a uint (deterministic CBOR; 8 bytes from 2^32 on, read as a bigint), or a float64 from earlier writers.
  if (Array.isArray(v)) v[3] = cborUint(v[3]);
  if (!Array.isArray(v) || v.length !== 6 || typeof v[0] !== 'string' || typeof v[1] !== 'string' || typeof v[2] !== 'object' || v[2] === null || typeof v[3] !== 'number') {
    throw bad('receipt has the wrong shape');
  }
  const [from, to, vvRaw, at, summary, ids] = v as [string, string, Record<string, unknown>, number, unknown, unknown];
  if (!(summary instanceof Uint8Array) || summary.length !== DIGEST_SUMMARY_BYTES) throw bad('receipt digest summary is not 34 bytes');
  if (!(ids instanceof Uint8Array) || ids.length % CHUNK_HASH_BYTES !== 0 || ids.length / CHUNK_HASH_BYTES > MAX_RECEIPT_CHUNKS) throw bad('receipt chunk list is not a whole number of ids, or too long');
  const vv: VersionVector = {};
  for (const [k, n] of Object.entries(vvRaw)) {
    if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < 0) throw bad('receipt vector entry is not a count');
    vv[k] = n;
  }
  if (to !== station.callsign) throw makeError(SYNC_ERRORS, 'RS_ERR_SYNC_NOT_ADDRESSED', `receipt is for ${to}, not ${station.callsign}`, { to });
  const key = station.isTrusted(from) ? station.pairKey(from) : undefined;
  if (key === undefined) throw makeError(AUTH_ERRORS, 'RS_ERR_AUTH_UNKNOWN_SIGNER', `receipt from unknown station ${from}`, { signer: from });
  if (!verifyTag(key, body, bytes.subarray(bytes.length - TAG_BYTES))) {
    throw makeError(AUTH_ERRORS, 'RS_ERR_AUTH_BAD_SIGNATURE', `bad tag on receipt from ${from}`, { signer: from });
  }
  const chunks: Uint8Array[] = [];
  for (let o = 0; o < ids.length; o += CHUNK_HASH_BYTES) chunks.push(new Uint8Array(ids.subarray(o, o + CHUNK_HASH_BYTES)));
  return { from, to, vv, at, summary: new Uint8Array(summary), chunks };
}
