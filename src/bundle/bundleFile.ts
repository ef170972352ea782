/**
 * A bundle read from a file without holding it in memory (the format is bundle.ts's, byte for byte):
 * the checksum is verified first, in 1 MiB steps, then the body's CBOR structure is walked once to
 * find each item's kind, offset and length (nothing is applied if any of this fails), and items are
 * read one at a time when the importer asks for them. Memory: one item (≤ the changeset inflate
 * limit) plus 24 bytes per item of index, whatever the bundle's size (≤ MAX_BUNDLE_BYTES).
 *
 * The CBOR subset read here is what `encodeBundle` writes: definite-length maps, arrays, text and
 * byte strings (optionally under tag 64, cbor-x's Uint8Array tag), unsigned integers and floats.
 */
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { makeError } from '../errors/RadiosyncError.js';
import { BUNDLE_ERRORS } from './errors.js';
import { BUNDLE_MAGIC, BUNDLE_VERSION, BundleItemKind, MAX_BUNDLE_BYTES, MAX_BUNDLE_ITEMS, type Bundle } from './bundle.js';

const HEADER_BYTES = 13;
const HASH_BYTES = 32;
/** Bytes hashed per read while verifying the checksum. */
const HASH_STEP_BYTES = 1024 * 1024;
/** Longest text field (from, to entries) read from the body. */
const MAX_TEXT_BYTES = 64;

export interface BundleItemRef {
  kind: BundleItemKind;
  offset: number;
  length: number;
}

/** A bundle's header as in {@link Bundle}, with its items read from the file one at a time. */
export interface BundleFile extends Omit<Bundle, 'items'> {
  items: BundleItemRef[];
  read(item: BundleItemRef): Uint8Array;
  close(): void;
}

function corrupt(why: string): Error {
  return makeError(BUNDLE_ERRORS, 'RS_ERR_BUNDLE_CORRUPT', `bundle body: ${why}`);
}

export function openBundleFile(path: string): BundleFile {
  const fd = openSync(path, 'r');
  try {
    return walk(fd, path);
  } catch (e) {
    closeSync(fd);
    throw e;
  }
}

function walk(fd: number, path: string): BundleFile {
  const size = fstatSync(fd).size;
  const readAt = (pos: number, len: number): Uint8Array => {
    const b = Buffer.alloc(len);
    let got = 0;
    while (got < len) {
      const n = readSync(fd, b, got, len - got, pos + got);
      if (n === 0) throw makeError(BUNDLE_ERRORS, 'RS_ERR_BUNDLE_TRUNCATED', `${path} ended early`);
      got += n;
    }
    return b;
  };
  if (size > MAX_BUNDLE_BYTES) throw makeError(BUNDLE_ERRORS, 'RS_ERR_BUNDLE_TOO_LARGE', `bundle is ${size} bytes (max ${MAX_BUNDLE_BYTES})`);
  const head = readAt(0, Math.min(size, HEADER_BYTES));
  if (head.length < BUNDLE_MAGIC.length || !BUNDLE_MAGIC.every((b, i) => head[i] === b)) throw makeError(BUNDLE_ERRORS, 'RS_ERR_BUNDLE_MAGIC', 'not a radiosync bundle');
  if (head.length < HEADER_BYTES) throw makeError(BUNDLE_ERRORS, 'RS_ERR_BUNDLE_TRUNCATED', `bundle header cut short (${size} bytes)`);
  if (head[8] !== BUNDLE_VERSION) throw makeError(BUNDLE_ERRORS, 'RS_ERR_BUNDLE_VERSION', `bundle format version ${head[8]} (this station reads ${BUNDLE_VERSION})`);
  const len = new DataView(head.buffer, head.byteOffset, head.byteLength).getUint32(9, false);
  const need = HEADER_BYTES + len + HASH_BYTES;
  if (size < need) throw makeError(BUNDLE_ERRORS, 'RS_ERR_BUNDLE_TRUNCATED', `bundle is ${size} bytes but its header says ${need}: the copy was cut off`, { have: size, need });
  if (size > need) throw makeError(BUNDLE_ERRORS, 'RS_ERR_BUNDLE_CORRUPT', `bundle has ${size - need} bytes after its end`);
  const h = createHash('sha256');
  for (let pos = 0; pos < HEADER_BYTES + len; pos += HASH_STEP_BYTES) h.update(readAt(pos, Math.min(HASH_STEP_BYTES, HEADER_BYTES + len - pos)));
  if (Buffer.compare(h.digest(), readAt(HEADER_BYTES + len, HASH_BYTES)) !== 0) throw makeError(BUNDLE_ERRORS, 'RS_ERR_BUNDLE_CORRUPT', 'bundle checksum mismatch');

  const end = HEADER_BYTES + len;
  let pos = HEADER_BYTES;
  const byte = (): number => {
    if (pos >= end) throw corrupt('cut short');
    return readAt(pos++, 1)[0]!;
  };
  const head2 = (): { major: number; value: number; info: number } => {
    const b = byte();
    const major = b >> 5;
    const info = b & 31;
    if (info < 24) return { major, value: info, info };
    const n = info === 24 ? 1 : info === 25 ? 2 : info === 26 ? 4 : info === 27 ? 8 : 0;
    if (n === 0) throw corrupt('indefinite or reserved CBOR length');
    if (pos + n > end) throw corrupt('cut short');
    const raw = readAt(pos, n);
    pos += n;
    const dv = new DataView(raw.buffer, raw.byteOffset, n);
    if (major === 7) return { major, value: n === 8 ? dv.getFloat64(0) : n === 4 ? dv.getFloat32(0) : n === 2 ? halfFloat(dv.getUint16(0)) : raw[0]!, info };
    const v = n === 1 ? raw[0]! : n === 2 ? dv.getUint16(0) : n === 4 ? dv.getUint32(0) : Number(dv.getBigUint64(0));
    return { major, value: v, info };
  };
  const text = (): string => {
    const t = head2();
    if (t.major !== 3 || t.value > MAX_TEXT_BYTES || pos + t.value > end) throw corrupt('expected a short text');
    const s = Buffer.from(readAt(pos, t.value)).toString('utf8');
    pos += t.value;
    return s;
  };
  const m = head2();
  if (m.major !== 5) throw corrupt('not a map');
  let from: string | undefined;
  let to: string[] | undefined;
  let created: number | undefined;
  let items: BundleItemRef[] | undefined;
  let exportId: Uint8Array | undefined;
  let part: number | undefined;
  let parts: number | undefined;
  for (let k = 0; k < m.value; k++) {
    const key = text();
    if (key === 'from') from = text();
    else if (key === 'to') {
      const a = head2();
      if (a.major !== 4 || a.value > MAX_BUNDLE_ITEMS) throw corrupt('"to" is not a list of text');
      to = Array.from({ length: a.value }, text);
    } else if (key === 'created') {
      const c = head2();
      if (c.major !== 0 && c.major !== 7) throw corrupt('"created" is not a number');
      created = c.value;
    } else if (key === 'export') {
      let d = head2();
      if (d.major === 6 && d.value === 64) d = head2();
      if (d.major !== 2 || d.value !== 8) throw corrupt('"export" is not 8 bytes');
      exportId = new Uint8Array(readAt(pos, 8));
      pos += 8;
    } else if (key === 'part' || key === 'parts') {
      const c = head2();
      if (c.major !== 0) throw corrupt(`"${key}" is not a uint`);
      if (key === 'part') part = c.value;
      else parts = c.value;
    } else if (key === 'items') {
      const a = head2();
      if (a.major !== 4) throw corrupt('"items" is not a list');
      if (a.value > MAX_BUNDLE_ITEMS) throw makeError(BUNDLE_ERRORS, 'RS_ERR_BUNDLE_TOO_LARGE', `bundle has ${a.value} items`);
      items = [];
      for (let i = 0; i < a.value; i++) {
        const pair = head2();
        if (pair.major !== 4 || pair.value !== 2) throw corrupt(`item ${i} is not [kind, data]`);
        const kind = head2();
        if (kind.major !== 0 || (kind.value !== BundleItemKind.Changeset && kind.value !== BundleItemKind.Ack)) throw corrupt(`item ${i} has unknown kind ${kind.value}`);
        let d = head2();
        if (d.major === 6 && d.value === 64) d = head2(); // cbor-x tags a Uint8Array
        if (d.major !== 2 || pos + d.value > end) throw corrupt(`item ${i} data is not bytes`);
        items.push({ kind: kind.value as BundleItemKind, offset: pos, length: d.value });
        pos += d.value;
      }
    } else throw corrupt(`unknown key ${key}`);
  }
  if (pos !== end) throw corrupt('trailing bytes in the body');
  if (from === undefined || to === undefined || created === undefined || items === undefined || exportId === undefined || part === undefined || parts === undefined) throw corrupt('a field is missing');
  if (part < 1 || part > parts) throw corrupt('"part" is not 1 … "parts"');
  return {
    from, to, created, exportId, part, parts, items,
    read: (item) => readAt(item.offset, item.length),
    close: () => closeSync(fd),
  };
}

function halfFloat(h: number): number {
  const e = (h >> 10) & 0x1f;
  const f = h & 0x3ff;
  const s = h >> 15 ? -1 : 1;
  if (e === 0) return s * 2 ** -14 * (f / 1024);
  if (e === 31) return f ? NaN : s * Infinity;
  return s * 2 ** (e - 15) * (1 + f / 1024);
}
