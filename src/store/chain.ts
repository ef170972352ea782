/**
 * Per-origin hash chains (docs/protocol.md §3.4): every origin's changes 1, 2, 3, … form a chain
 *
 *   H(0) = 32 zero bytes
 *   H(s) = SHA-256( H(s−1) ‖ str(origin) ‖ u64be(s) ‖ row(change s) )
 *
 * and the origin signs H(last seq) in each changeset it builds (auth/originSignature.ts). A relay
 * forwards the origin's rows and its signature unchanged; the receiver recomputes the chain from
 * the H it holds for the seq before the run, so it can tell forged, reordered, dropped or squatted
 * seqs from genuine ones. The row encoding is canonical (independent of field order, of how the
 * log stores values and of ctx compaction):
 *
 *   row    := str(table) id(16 bytes) kind:u8 (0 upsert, 1 delete) hlc:u64be
 *             uvarint(k) { str(name) value }   fields sorted by the UTF-8 bytes of their names (none for a delete)
 *             uvarint(m) { str(station) uvarint(seq) }   ctx entries with seq > 0, other than the origin, sorted
 *   value  := 0x00 null | 0x01 false | 0x02 true
 *           | 0x03 str(decimal)   any integer: a number that is an integer (−0 is 0) or a bigint
 *           | 0x04 f64be          any other number
 *           | 0x06 str(text) | 0x07 uvarint(len) bytes
 *   str(x) := uvarint(UTF-8 length) UTF-8 bytes;  uvarint = LEB128, low group first
 */
import type { FieldValue, RowChange } from '../changeset/Changeset.js';
import { compactContext } from './vv.js';
import { ByteWriter } from '../changeset/ByteWriter.js';
import { sha256 } from '../util/sha256.js';

export const CHAIN_ZERO = new Uint8Array(32);

/** Strings without surrogates sort by UTF-16 code unit exactly as by their UTF-8 bytes. */
const SURROGATE = /[\uD800-\uDFFF]/;

function byUtf8(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

function sortedUtf8(keys: string[]): string[] {
  if (keys.length < 2) return keys;
  for (const k of keys) if (SURROGATE.test(k)) return keys.sort(byUtf8);
  return keys.sort();
}

function value(w: ByteWriter, v: FieldValue): void {
  if (v === null) w.byte(0);
  else if (v === false) w.byte(1);
  else if (v === true) w.byte(2);
  else if (typeof v === 'bigint') {
    w.byte(3);
    w.utf8(v.toString());
  } else if (typeof v === 'number' && Number.isInteger(v)) {
    w.byte(3);
    // a safe integer prints as its decimal; beyond 2^53, as the exact integer the double holds
    w.utf8(Object.is(v, -0) ? '0' : Number.isSafeInteger(v) ? String(v) : BigInt(v).toString());
  } else if (typeof v === 'number') {
    w.byte(4);
    w.f64be(Number.isNaN(v) ? NaN : v);
  } else if (typeof v === 'string') {
    w.byte(6);
    w.utf8(v);
  } else {
    w.byte(7);
    w.uvarint(v.length);
    w.bytes(v);
  }
}

function writeRow(w: ByteWriter, c: RowChange): void {
  w.utf8(c.table);
  w.bytes(c.id);
  w.byte(c.kind === 'delete' ? 1 : 0);
  w.u64be(c.hlc);
  const names = c.kind === 'delete' ? [] : sortedUtf8(Object.keys(c.fields));
  w.uvarint(names.length);
  for (const k of names) {
    w.utf8(k);
    value(w, c.fields[k]!);
  }
  const ctx = c.ctx === undefined ? undefined : compactContext(c.ctx, c.origin);
  const stations = ctx === undefined ? [] : sortedUtf8(Object.keys(ctx));
  w.uvarint(stations.length);
  for (const s of stations) {
    w.utf8(s);
    w.uvarint(ctx![s]!);
  }
}

/** The canonical bytes of one change (without origin and seq). */
export function canonicalRow(c: RowChange): Uint8Array {
  const w = new ByteWriter();
  writeRow(w, c);
  return w.finish();
}

/** H(s) from H(s−1) and change s. */
export function chainStep(prev: Uint8Array, c: RowChange): Uint8Array {
  const w = new ByteWriter();
  w.bytes(prev);
  w.utf8(c.origin);
  w.u64be(BigInt(c.seq));
  writeRow(w, c);
  return new Uint8Array(sha256(w.view()));
}
