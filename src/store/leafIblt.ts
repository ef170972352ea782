/**
 * An invertible Bloom lookup table over digest leaves: one station sends a small table of its
 * leaves, the other subtracts its own and reads off the leaves that differ, however many leaves
 * the two hold in common. One message finds a handful of differing rows among 100,000.
 *
 * Element: (key8, val4) = the first 8 bytes of the leaf key, the high 32 bits of the leaf value.
 * Element hash: SHA-256("radiosync-iblt\0" ‖ key8 ‖ val4) = c0 c1 c2 c3 ‖ h0 ‖ h1 ‖ h2 (4 bytes each,
 * big-endian); the check is c0..c3, and the element sits in cell `i·m + (h_i mod m)` of each of the
 * three sub-tables of m cells (i = 0, 1, 2).
 *
 * Wire form (docs/protocol.md §6.3):
 *
 *   offset size  field
 *   0      2     m = cells per sub-table, u16 BE (1..MAX_IBLT_SUBCELLS); 3·m cells follow
 *   2      17·3m cells, each: count u8 (modulo 256) ‖ keySum u64 BE ‖ valSum u32 BE ‖ checkSum u32 BE
 *
 * Counts travel modulo 256: only the difference of two tables is ever peeled, and a difference
 * cell holding more than ±127 elements cannot be peeled anyway. Decoding is peeling: a cell whose count is ±1 and whose check matches its sums holds exactly one
 * element (sign +: only the sender has it; −: only the receiver). Decoding fails (returns
 * undefined) when cells remain that cannot be peeled: the difference was too large for the table.
 */
import { createHash } from 'node:crypto';
import type { Leaf } from './digest.js';

export const IBLT_CELL_BYTES = 17;
/** Largest sub-table accepted from the air: 3 × 4096 cells = 209 KB. */
export const MAX_IBLT_SUBCELLS = 4096;

export interface IbltElement {
  key8: bigint;
  val4: number;
}

interface Cell {
  count: number;
  key: bigint;
  val: number;
  chk: number;
}

function elementHash(e: IbltElement): { chk: number; h: [number, number, number] } {
  const b = Buffer.alloc(12);
  b.writeBigUInt64BE(e.key8, 0);
  b.writeUInt32BE(e.val4 >>> 0, 8);
  const d = createHash('sha256').update('radiosync-iblt\0').update(b).digest();
  return { chk: d.readUInt32BE(0), h: [d.readUInt32BE(4), d.readUInt32BE(8), d.readUInt32BE(12)] };
}

/** A count difference modulo 256, as a signed 8-bit value. */
function toSigned8(n: number): number {
  const d = n & 0xff;
  return d > 127 ? d - 256 : d;
}

export function leafElement(l: Leaf): IbltElement {
  return { key8: Buffer.from(l.key).readBigUInt64BE(0), val4: Number(l.value >> 32n) >>> 0 };
}

export class LeafIblt {
  readonly m: number;
  private readonly cells: Cell[];

  constructor(m: number) {
    if (!Number.isInteger(m) || m < 1 || m > MAX_IBLT_SUBCELLS) throw new RangeError(`IBLT sub-table size must be 1..${MAX_IBLT_SUBCELLS}: ${m}`);
    this.m = m;
    this.cells = Array.from({ length: 3 * m }, () => ({ count: 0, key: 0n, val: 0, chk: 0 }));
  }

  /** A table sized for about `d` differing elements (1.5 cells per element, at least 3 per sub-table). */
  static forDifference(d: number): LeafIblt {
    return new LeafIblt(Math.min(MAX_IBLT_SUBCELLS, Math.max(3, Math.ceil((1.5 * d) / 3))));
  }

  private toggle(e: IbltElement, sign: number): void {
    const { chk, h } = elementHash(e);
    for (let i = 0; i < 3; i++) {
      const c = this.cells[i * this.m + (h[i]! % this.m)]!;
      c.count += sign;
      c.key ^= e.key8;
      c.val = (c.val ^ e.val4) >>> 0;
      c.chk = (c.chk ^ chk) >>> 0;
    }
  }

  add(e: IbltElement): void {
    this.toggle(e, 1);
  }

  addLeaves(leaves: Iterable<Leaf>): this {
    for (const l of leaves) this.add(leafElement(l));
    return this;
  }

  /** this − other, cell by cell (both must have the same size). */
  subtract(other: LeafIblt): LeafIblt {
    if (other.m !== this.m) throw new RangeError('IBLT sizes differ');
    const out = new LeafIblt(this.m);
    this.cells.forEach((c, i) => {
      const o = other.cells[i]!;
      out.cells[i] = { count: toSigned8(c.count - o.count), key: c.key ^ o.key, val: (c.val ^ o.val) >>> 0, chk: (c.chk ^ o.chk) >>> 0 };
    });
    return out;
  }

  /** Peel a difference table: the elements only in the minuend (+) and only in the subtrahend (−). */
  decode(): { plus: IbltElement[]; minus: IbltElement[] } | undefined {
    const t = new LeafIblt(this.m);
    this.cells.forEach((c, i) => (t.cells[i] = { ...c }));
    const plus: IbltElement[] = [];
    const minus: IbltElement[] = [];
    for (let progress = true; progress; ) {
      progress = false;
      for (const c of t.cells) {
        if (c.count !== 1 && c.count !== -1) continue;
        const e = { key8: c.key, val4: c.val };
        if (elementHash(e).chk !== c.chk) continue;
        (c.count === 1 ? plus : minus).push(e);
        t.toggle(e, -c.count);
        progress = true;
      }
    }
    return t.cells.every((c) => c.count === 0 && c.key === 0n && c.val === 0 && c.chk === 0) ? { plus, minus } : undefined;
  }

  encode(): Uint8Array {
    const b = Buffer.alloc(2 + IBLT_CELL_BYTES * this.cells.length);
    b.writeUInt16BE(this.m, 0);
    this.cells.forEach((c, i) => {
      const o = 2 + i * IBLT_CELL_BYTES;
      b.writeUInt8(c.count & 0xff, o);
      b.writeBigUInt64BE(c.key, o + 1);
      b.writeUInt32BE(c.val, o + 9);
      b.writeUInt32BE(c.chk, o + 13);
    });
    return new Uint8Array(b);
  }

  /** Decode the wire form; undefined when it is not one (wrong length, size out of bounds). */
  static decodeWire(bytes: Uint8Array): LeafIblt | undefined {
    if (bytes.length < 2) return undefined;
    const b = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const m = b.readUInt16BE(0);
    if (m < 1 || m > MAX_IBLT_SUBCELLS || bytes.length !== 2 + IBLT_CELL_BYTES * 3 * m) return undefined;
    const t = new LeafIblt(m);
    for (let i = 0; i < 3 * m; i++) {
      const o = 2 + i * IBLT_CELL_BYTES;
      t.cells[i] = { count: b.readUInt8(o), key: b.readBigUInt64BE(o + 1), val: b.readUInt32BE(o + 9), chk: b.readUInt32BE(o + 13) };
    }
    return t;
  }
}
