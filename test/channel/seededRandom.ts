/**
 * Seeded randomness for the test channel (its own, not the project's PRNG): splitmix32 to derive
 * independent streams from one seed, mulberry32 for each stream. Same seed, same channel.
 */
export type Random = () => number;

function splitmix32(x: number): number {
  x = (x + 0x9e3779b9) | 0;
  let z = x;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return (z ^ (z >>> 16)) >>> 0;
}

/** A stream in [0, 1) for (seed, stream index): streams with different indices are unrelated. */
export function randomStream(seed: number, stream: number): Random {
  let a = splitmix32(splitmix32(seed >>> 0) ^ Math.imul(stream + 1, 0x27d4eb2f));
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
