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
import { createHash } from 'node:crypto';
import type { FieldValue, RowChange } from '../changeset/Changeset.js';
import { compactContext } from './vv.js';

export const CHAIN_ZERO = new Uint8Array(32);

class Writer {
  parts: Uint8Array[] = [];
  uvarint(n: number): void {
    const out: number[] = [];
    let v = n;
    do {
      let b = v % 128;
      v = Math.floor(v / 128);
      if (v > 0) b |= 0x80;
      out.push(b);
    } while (v > 0);
    this.parts.push(Uint8Array.from(out));
  }
  byte(b: number): void {
    this.parts.push(Uint8Array.of(b));
  }
  raw(b: Uint8Array): void {
    this.parts.push(b);
  }
  str(s: string): void {
    const b = Buffer.from(s, 'utf8');
    this.uvarint(b.length);
    this.parts.push(b);
  }
  u64(v: bigint): void {
    const b = Buffer.alloc(8);
    b.writeBigUInt64BE(BigInt.asUintN(64, v));
    this.parts.push(b);
  }
}

function byUtf8(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

function value(w: Writer, v: FieldValue): void {
  if (v === null) w.byte(0);
  else if (v === false) w.byte(1);
  else if (v === true) w.byte(2);
  else if (typeof v === 'bigint' || (typeof v === 'number' && Number.isInteger(v))) {
    w.byte(3);
    w.str(typeof v === 'bigint' ? v.toString() : Object.is(v, -0) ? '0' : BigInt(v).toString());
  } else if (typeof v === 'number') {
    w.byte(4);
    const b = Buffer.alloc(8);
    b.writeDoubleBE(Number.isNaN(v) ? NaN : v);
    w.raw(b);
  } else if (typeof v === 'string') {
    w.byte(6);
    w.str(v);
  } else {
    w.byte(7);
    w.uvarint(v.length);
    w.raw(v);
  }
}

/** The canonical bytes of one change (without origin and seq). */
export function canonicalRow(c: RowChange): Uint8Array {
  const w = new Writer();
  w.str(c.table);
  w.raw(c.id);
  w.byte(c.kind === 'delete' ? 1 : 0);
  w.u64(c.hlc);
  const names = c.kind === 'delete' ? [] : Object.keys(c.fields).sort(byUtf8);
  w.uvarint(names.length);
  for (const k of names) {
    w.str(k);
    value(w, c.fields[k]!);
  }
  const ctx = c.ctx === undefined ? undefined : compactContext(c.ctx, c.origin);
  const stations = ctx === undefined ? [] : Object.keys(ctx).sort(byUtf8);
  w.uvarint(stations.length);
  for (const s of stations) {
    w.str(s);
    w.uvarint(ctx![s]!);
  }
  return Buffer.concat(w.parts);
}

/** H(s) from H(s−1) and change s. */
export function chainStep(prev: Uint8Array, c: RowChange): Uint8Array {
  const h = createHash('sha256');
  h.update(prev);
  const w = new Writer();
  w.str(c.origin);
  w.u64(BigInt(c.seq));
  for (const p of w.parts) h.update(p);
  h.update(canonicalRow(c));
  return new Uint8Array(h.digest());
}
