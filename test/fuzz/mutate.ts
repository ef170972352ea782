/**
 * Seeded input generators for the fuzzers: random bytes, and mutations of valid inputs (bit flips,
 * byte sets, splices of two inputs, inserted/deleted runs, changed length fields, truncation).
 * Every draw comes from one {@link Prng}, so a (seed, target) pair replays exactly.
 */
import { Prng } from '../../src/util/prng.js';

/** Longest random input: a little over the largest KISS frame radiosync accepts (4096). */
export const MAX_RANDOM_BYTES = 4200;

export function randomBytes(rng: Prng, max = MAX_RANDOM_BYTES): Uint8Array {
  // mostly short inputs (headers are where the branches are), sometimes long ones
  const n = rng.chance(0.8) ? rng.int(64) : rng.int(max + 1);
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = rng.nextUint32() & 0xff;
  return out;
}

/** Interesting byte values: boundaries of u8/varint/length fields and KISS specials. */
const INTERESTING = [0x00, 0x01, 0x02, 0x03, 0x07, 0x08, 0x0f, 0x10, 0x3f, 0x40, 0x7f, 0x80, 0x81, 0xc0, 0xdb, 0xdc, 0xdd, 0xf0, 0xfe, 0xff];

export type MutationKind = 'flip' | 'set' | 'interesting' | 'truncate' | 'splice' | 'insert' | 'delete' | 'length' | 'duplicate';
export const MUTATIONS: MutationKind[] = ['flip', 'set', 'interesting', 'truncate', 'splice', 'insert', 'delete', 'length', 'duplicate'];

/** One to four stacked mutations of `input` (a new array; `input` is not touched). */
export function mutate(rng: Prng, input: Uint8Array, corpus: readonly Uint8Array[]): Uint8Array {
  let b: Uint8Array = input.slice();
  const n = 1 + rng.int(4);
  for (let i = 0; i < n; i++) b = mutateOnce(rng, b, corpus);
  return b;
}

function mutateOnce(rng: Prng, b: Uint8Array, corpus: readonly Uint8Array[]): Uint8Array {
  const kind = MUTATIONS[rng.int(MUTATIONS.length)]!;
  const at = (len: number) => (len === 0 ? 0 : rng.int(len));
  switch (kind) {
    case 'flip': {
      if (b.length === 0) return b;
      const i = at(b.length);
      b[i]! ^= 1 << rng.int(8);
      return b;
    }
    case 'set': {
      if (b.length === 0) return b;
      b[at(b.length)] = rng.nextUint32() & 0xff;
      return b;
    }
    case 'interesting': {
      if (b.length === 0) return b;
      b[at(b.length)] = INTERESTING[rng.int(INTERESTING.length)]!;
      return b;
    }
    case 'truncate':
      return b.subarray(0, at(b.length + 1)).slice();
    case 'splice': {
      const other = corpus[rng.int(corpus.length)] ?? b;
      const cut = at(b.length + 1);
      const from = at(other.length + 1);
      const out = new Uint8Array(cut + other.length - from);
      out.set(b.subarray(0, cut));
      out.set(other.subarray(from), cut);
      return out;
    }
    case 'insert': {
      const i = at(b.length + 1);
      const run = 1 + rng.int(16);
      const out = new Uint8Array(b.length + run);
      out.set(b.subarray(0, i));
      for (let j = 0; j < run; j++) out[i + j] = rng.nextUint32() & 0xff;
      out.set(b.subarray(i), i + run);
      return out;
    }
    case 'delete': {
      if (b.length === 0) return b;
      const i = at(b.length);
      const run = 1 + rng.int(Math.min(16, b.length - i));
      const out = new Uint8Array(b.length - run);
      out.set(b.subarray(0, i));
      out.set(b.subarray(i + run), i);
      return out;
    }
    case 'length': {
      // a length/count field changed: a big-endian u16/u32 or a single byte set to an extreme
      if (b.length < 2) return b;
      const i = at(b.length - 1);
      const v = [0, 1, 0x7f, 0x80, 0xff, 0xffff, 0x7fffffff, 0xffffffff, b.length, b.length + 1, b.length - 1][rng.int(11)]!;
      const width = rng.chance(0.5) ? 2 : Math.min(4, b.length - i);
      for (let j = 0; j < width && i + j < b.length; j++) b[i + j] = (v >>> (8 * (width - 1 - j))) & 0xff;
      return b;
    }
    case 'duplicate': {
      if (b.length === 0 || b.length > 8192) return b;
      const i = at(b.length);
      const run = b.subarray(i, i + 1 + rng.int(64));
      const out = new Uint8Array(b.length + run.length);
      out.set(b.subarray(0, i + run.length));
      out.set(run, i + run.length);
      out.set(b.subarray(i + run.length), i + 2 * run.length);
      return out;
    }
  }
}

/** An input for a target: random (20%), a mutated corpus entry (70%) or a truncated one (10%). */
export function nextInput(rng: Prng, corpus: readonly Uint8Array[]): Uint8Array {
  const r = rng.next();
  if (r < 0.2 || corpus.length === 0) return randomBytes(rng);
  const base = corpus[rng.int(corpus.length)]!;
  if (r < 0.9) return mutate(rng, base, corpus);
  return base.slice(0, rng.int(base.length + 1));
}
