/**
 * A small seeded pseudo-random number generator for library code (never `Math.random`).
 *
 * Algorithm: **xoshiro128\*\*** 1.1 (Blackman & Vigna, 2018, https://prng.di.unimi.it/), a 128-bit
 * state generator with 32-bit output, period 2^128 − 1, passing BigCrush. The state is filled from
 * the 32-bit seed with **SplitMix32** (Steele, Lea & Flood's splitmix adapted to 32 bits, the
 * constants of Mulberry/"lowbias32": `0x9e3779b9` increment, mixes `0x21f0aaad`, `0x735a2d97`),
 * so that nearby seeds (0, 1, 2) give unrelated streams and the state is never all zero.
 *
 * Not cryptographic. Use it for simulation, jitter, back-off and test data, where the same seed must
 * replay the same run.
 *
 * Independent streams: {@link Prng.fork} derives a child generator from the parent's *seed* and a
 * label (hashed with FNV-1a 32), not from the parent's position, so adding a consumer does not shift
 * the numbers another consumer draws.
 */

const GOLDEN_32 = 0x9e3779b9;
const TWO_POW_32 = 4294967296;

/** FNV-1a 32-bit hash of a string's UTF-16 code units (offset basis 2166136261, prime 16777619). */
export function hashString32(text: string, basis = 0x811c9dc5): number {
  let h = basis >>> 0;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

/** One SplitMix32 step: returns [output, nextState]. */
function splitmix32(state: number): [number, number] {
  const next = (state + GOLDEN_32) >>> 0;
  let z = next;
  z = Math.imul(z ^ (z >>> 16), 0x21f0aaad);
  z = Math.imul(z ^ (z >>> 15), 0x735a2d97);
  z = (z ^ (z >>> 15)) >>> 0;
  return [z, next];
}

function rotl(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0;
}

export class Prng {
  /** The seed this generator was made from (after hashing a string seed). */
  readonly seed: number;
  private s0: number;
  private s1: number;
  private s2: number;
  private s3: number;

  constructor(seed: number | string = 0) {
    this.seed = typeof seed === 'string' ? hashString32(seed) : seed >>> 0;
    let st = this.seed;
    const out: number[] = [];
    for (let i = 0; i < 4; i++) {
      const [z, n] = splitmix32(st);
      out.push(z);
      st = n;
    }
    [this.s0, this.s1, this.s2, this.s3] = out as [number, number, number, number];
    if ((this.s0 | this.s1 | this.s2 | this.s3) === 0) this.s0 = 1; // unreachable in practice
  }

  /** A generator with an explicit xoshiro128** state (for reference vectors; not all zero). */
  static fromState(s0: number, s1: number, s2: number, s3: number): Prng {
    const g = new Prng(0);
    g.s0 = s0 >>> 0;
    g.s1 = s1 >>> 0;
    g.s2 = s2 >>> 0;
    g.s3 = s3 >>> 0;
    return g;
  }

  /** Next 32-bit unsigned integer (xoshiro128** step). */
  nextUint32(): number {
    const result = Math.imul(rotl(Math.imul(this.s1, 5) >>> 0, 7), 9) >>> 0;
    const t = (this.s1 << 9) >>> 0;
    this.s2 = (this.s2 ^ this.s0) >>> 0;
    this.s3 = (this.s3 ^ this.s1) >>> 0;
    this.s1 = (this.s1 ^ this.s2) >>> 0;
    this.s0 = (this.s0 ^ this.s3) >>> 0;
    this.s2 = (this.s2 ^ t) >>> 0;
    this.s3 = rotl(this.s3, 11);
    return result;
  }

  /** Uniform float in [0, 1) with 32 bits of randomness. */
  next(): number {
    return this.nextUint32() / TWO_POW_32;
  }

  /** Uniform integer in [0, n) for 1 ≤ n ≤ 2^32 (rejection sampling: no modulo bias). */
  int(n: number): number {
    if (!Number.isInteger(n) || n < 1 || n > TWO_POW_32) throw new RangeError(`"n" must be an integer in [1, 2^32]: ${n}`);
    const limit = TWO_POW_32 - (TWO_POW_32 % n);
    for (;;) {
      const x = this.nextUint32();
      if (x < limit) return x % n;
    }
  }

  /** True with probability `p` (p ≤ 0 never, p ≥ 1 always; no draw is skipped either way). */
  chance(p: number): boolean {
    return this.next() < p;
  }

  /** An independent generator derived from this one's seed and `label` (not its position). */
  fork(label: string): Prng {
    return new Prng(hashString32(label, this.seed ^ 0x811c9dc5));
  }
}
