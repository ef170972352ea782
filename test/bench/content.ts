/** Seeded test content for the folder benchmarks: random bytes and log-like text. */

/** n seeded pseudo-random bytes (xorshift32). */
export function xorshift(n: number, seed: number): Uint8Array {
  const out = new Uint8Array(n);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < n; i++) {
    x ^= x << 13; x >>>= 0; x ^= x >>> 17; x ^= x << 5; x >>>= 0;
    out[i] = x & 0xff;
  }
  return out;
}

/** n bytes of seeded log-like text (timestamps, a few words, numbers): compressible like real logs. */
export function logText(n: number, seed: number): Uint8Array {
  const r = xorshift(n / 4, seed);
  const words = ['shelter', 'water', 'beds', 'medic', 'relay', 'N0CALL', 'EA4XYZ', 'ok', 'request', 'fuel', 'road', 'closed'];
  let s = '';
  for (let i = 0; s.length < n; i++) {
    const a = r[i % r.length]!;
    const b = r[(i * 7) % r.length]!;
    s += `2026-01-${String(1 + (a % 28)).padStart(2, '0')}T${String(b % 24).padStart(2, '0')}:${String(a % 60).padStart(2, '0')}Z ${words[a % words.length]} ${words[b % words.length]} ${a * b}\n`;
  }
  return new TextEncoder().encode(s.slice(0, n));
}
