/**
 * Bundle file: the same changesets (and acknowledgements) that go on air, as one file for a USB
 * stick or an email attachment.
 *
 *   offset  size  field
 *   0       8     magic "RSBUNDLE" (0x52 0x53 0x42 0x55 0x4E 0x44 0x4C 0x45)
 *   8       1     format version = 2
 *   9       4     body length L, unsigned big-endian
 *   13      L     body: CBOR map { "from": text, "to": [text…], "created": uint (ms),
 *                                  "export": bstr (8 bytes, the same in every part of one export),
 *                                  "part": uint (1-based), "parts": uint (parts of this export),
 *                                  "items": [ [kind: uint, data: bstr], … ] }
 *   13+L    32    SHA-256 of bytes 0 … 13+L−1
 *
 * Item kinds: 1 = changeset envelope (signed changeset, as sent on air; a bundle holds as many as
 * the export needed, in order), 2 = receipt (signed: what the writer holds, src/sync/receipt.ts),
 * others are rejected. Each part of a split export is a whole bundle and may be imported alone,
 * in any order (rows that wait for a parent or for chunks are applied when they arrive).
 * A file cut short fails the length check (RS_ERR_BUNDLE_TRUNCATED) and a changed byte fails the
 * hash (RS_ERR_BUNDLE_CORRUPT): either way nothing is applied.
 */
import { createHash } from 'node:crypto';
import { decode as cborDecode } from 'cbor-x';
import { cborUint, encodeDeterministic } from '../util/deterministicCbor.js';
import { makeError } from '../errors/RadiosyncError.js';
import { BUNDLE_ERRORS } from './errors.js';

export const BUNDLE_MAGIC = new Uint8Array([0x52, 0x53, 0x42, 0x55, 0x4e, 0x44, 0x4c, 0x45]);
export const BUNDLE_VERSION = 2;
const HEADER_BYTES = 13;
const HASH_BYTES = 32;
/** Largest bundle accepted: 256 MiB (a USB stick carries a lot, but a bundle is read whole). */
export const MAX_BUNDLE_BYTES = 256 * 1024 * 1024;
/** Most items in one bundle. */
export const MAX_BUNDLE_ITEMS = 100_000;

export const BundleItemKind = { Changeset: 1, Ack: 2 } as const;
export type BundleItemKind = (typeof BundleItemKind)[keyof typeof BundleItemKind];

export interface BundleItem {
  kind: BundleItemKind;
  data: Uint8Array;
}

export interface Bundle {
  from: string;
  to: string[];
  created: number;
  /** 8 bytes naming the export this part belongs to. */
  exportId: Uint8Array;
  part: number;
  parts: number;
  items: BundleItem[];
}

export function encodeBundle(b: Bundle): Uint8Array {
  if (b.items.length > MAX_BUNDLE_ITEMS) {
    throw makeError(BUNDLE_ERRORS, 'RS_ERR_BUNDLE_TOO_LARGE', `bundle has ${b.items.length} items (max ${MAX_BUNDLE_ITEMS})`);
  }
  const body = encodeDeterministic({
    from: b.from,
    to: b.to,
    created: Math.trunc(b.created),
    export: b.exportId,
    part: b.part,
    parts: b.parts,
    items: b.items.map((i) => [i.kind, i.data]),
  });
  const total = HEADER_BYTES + body.length + HASH_BYTES;
  if (total > MAX_BUNDLE_BYTES) {
    throw makeError(BUNDLE_ERRORS, 'RS_ERR_BUNDLE_TOO_LARGE', `bundle would be ${total} bytes (max ${MAX_BUNDLE_BYTES})`);
  }
  const out = new Uint8Array(total);
  out.set(BUNDLE_MAGIC, 0);
  out[8] = BUNDLE_VERSION;
  new DataView(out.buffer).setUint32(9, body.length, false);
  out.set(body, HEADER_BYTES);
  out.set(sha256(out.subarray(0, HEADER_BYTES + body.length)), HEADER_BYTES + body.length);
  return out;
}

export function decodeBundle(bytes: Uint8Array): Bundle {
  if (bytes.length > MAX_BUNDLE_BYTES) {
    throw makeError(BUNDLE_ERRORS, 'RS_ERR_BUNDLE_TOO_LARGE', `bundle is ${bytes.length} bytes (max ${MAX_BUNDLE_BYTES})`);
  }
  if (bytes.length < BUNDLE_MAGIC.length || !BUNDLE_MAGIC.every((b, i) => bytes[i] === b)) {
    throw makeError(BUNDLE_ERRORS, 'RS_ERR_BUNDLE_MAGIC', 'not a radiosync bundle');
  }
  if (bytes.length < HEADER_BYTES) {
    throw makeError(BUNDLE_ERRORS, 'RS_ERR_BUNDLE_TRUNCATED', `bundle header cut short (${bytes.length} bytes)`);
  }
  if (bytes[8] !== BUNDLE_VERSION) {
    throw makeError(BUNDLE_ERRORS, 'RS_ERR_BUNDLE_VERSION', `bundle format version ${bytes[8]} (this station reads ${BUNDLE_VERSION})`);
  }
  const len = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(9, false);
  const need = HEADER_BYTES + len + HASH_BYTES;
  if (bytes.length < need) {
    throw makeError(BUNDLE_ERRORS, 'RS_ERR_BUNDLE_TRUNCATED', `bundle is ${bytes.length} bytes but its header says ${need}: the copy was cut off`, { have: bytes.length, need });
  }
  if (bytes.length > need) {
    throw makeError(BUNDLE_ERRORS, 'RS_ERR_BUNDLE_CORRUPT', `bundle has ${bytes.length - need} bytes after its end`);
  }
  const expect = sha256(bytes.subarray(0, HEADER_BYTES + len));
  const got = bytes.subarray(HEADER_BYTES + len);
  if (!expect.every((b, i) => got[i] === b)) {
    throw makeError(BUNDLE_ERRORS, 'RS_ERR_BUNDLE_CORRUPT', 'bundle checksum mismatch');
  }
  let body: unknown;
  try {
    body = cborDecode(bytes.subarray(HEADER_BYTES, HEADER_BYTES + len));
  } catch (e) {
    throw makeError(BUNDLE_ERRORS, 'RS_ERR_BUNDLE_CORRUPT', 'bundle body is not valid CBOR', {}, e);
  }
  return validateBody(body);
}

function validateBody(body: unknown): Bundle {
  const bad = (why: string) => makeError(BUNDLE_ERRORS, 'RS_ERR_BUNDLE_CORRUPT', `bundle body: ${why}`);
  if (typeof body !== 'object' || body === null) throw bad('not a map');
  const o = body as Record<string, unknown>;
  if (typeof o.from !== 'string') throw bad('"from" is not text');
  if (!Array.isArray(o.to) || !o.to.every((t) => typeof t === 'string')) throw bad('"to" is not a list of text');
  // A uint (deterministic CBOR: 8 bytes, read as a bigint); a float64 from earlier writers.
  o.created = cborUint(o.created);
  if (typeof o.created !== 'number') throw bad('"created" is not a number');
  if (!(o.export instanceof Uint8Array) || o.export.length !== 8) throw bad('"export" is not 8 bytes');
  if (!Number.isSafeInteger(o.parts) || !Number.isSafeInteger(o.part) || (o.part as number) < 1 || (o.part as number) > (o.parts as number)) throw bad('"part" is not 1 … "parts"');
  if (!Array.isArray(o.items)) throw bad('"items" is not a list');
  if (o.items.length > MAX_BUNDLE_ITEMS) throw makeError(BUNDLE_ERRORS, 'RS_ERR_BUNDLE_TOO_LARGE', `bundle has ${o.items.length} items`);
  const items: BundleItem[] = o.items.map((it, i) => {
    if (!Array.isArray(it) || it.length !== 2) throw bad(`item ${i} is not [kind, data]`);
    const [kind, data] = it as [unknown, unknown];
    if (kind !== BundleItemKind.Changeset && kind !== BundleItemKind.Ack) throw bad(`item ${i} has unknown kind ${String(kind)}`);
    if (!(data instanceof Uint8Array)) throw bad(`item ${i} data is not bytes`);
    return { kind, data: new Uint8Array(data) };
  });
  return { from: o.from, to: o.to as string[], created: o.created, exportId: new Uint8Array(o.export), part: o.part as number, parts: o.parts as number, items };
}

function sha256(b: Uint8Array): Uint8Array {
  return new Uint8Array(createHash('sha256').update(b).digest());
}
