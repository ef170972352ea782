/**
 * The parity construction docs/protocol.md §2 specifies, written out independently here: GF(2^8)
 * with the field polynomial 0x11D and generator 2, the Vandermonde matrix V[r][c] = r^c (0^0 = 1)
 * made systematic as M = V · V_top⁻¹, parity j = row k + j of M. The codec over the WASM crate
 * must produce exactly these bytes, so that an outsider's encoder interoperates.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { reedSolomonCodec } from '../../src/fec/ReedSolomonCodec.js';
const exp = new Uint8Array(512), log = new Uint8Array(256);
let x = 1; for (let i = 0; i < 255; i++) { exp[i] = x; log[x] = i; x <<= 1; if (x & 0x100) x ^= 0x11d; }
for (let i = 255; i < 512; i++) exp[i] = exp[i - 255]!;
const mul = (a: number, b: number) => (a === 0 || b === 0 ? 0 : exp[log[a]! + log[b]!]!);
const pow = (a: number, n: number) => { if (n === 0) return 1; if (a === 0) return 0; return exp[(log[a]! * n) % 255]!; };
const inv = (a: number) => exp[255 - log[a]!]!;
function invert(m: number[][]): number[][] {
  const n = m.length; const a = m.map((r, i) => [...r, ...Array.from({ length: n }, (_, j) => (i === j ? 1 : 0))]);
  for (let c = 0; c < n; c++) { let p = c; while (a[p]![c] === 0) p++; [a[c], a[p]] = [a[p]!, a[c]!];
    const iv = inv(a[c]![c]!); a[c] = a[c]!.map((v) => mul(v, iv));
    for (let r = 0; r < n; r++) if (r !== c && a[r]![c] !== 0) { const f = a[r]![c]!; a[r] = a[r]!.map((v, j) => v ^ mul(f, a[c]![j]!)); } }
  return a.map((r) => r.slice(n));
}
test('parity is GF(2^8)/0x11D systematic Vandermonde, as docs/protocol.md §2 specifies', async () => {
const codec = await reedSolomonCodec();
let ok = 0, bad = 0;
for (const [k, m] of [[1, 3], [2, 4], [5, 7], [17, 20], [64, 80]] as const) {
  const V = Array.from({ length: k + m }, (_, r) => Array.from({ length: k }, (_, c) => pow(r, c)));
  const top = invert(V.slice(0, k));
  const M = V.map((row) => Array.from({ length: k }, (_, c) => row.reduce((acc, v, j) => acc ^ mul(v, top[j]![c]!), 0)));
  const S = 8; const data = new Uint8Array(k * S).map((_, i) => (i * 37 + k) & 0xff);
  const parity = codec.encodeParity(data, k, S, 0, m);
  for (let j = 0; j < m; j++) for (let b = 0; b < S; b++) {
    let v = 0; for (let c = 0; c < k; c++) v ^= mul(M[k + j]![c]!, data[c * S + b]!);
    if (v === parity[j]![b]) ok++; else bad++;
  }
}
assert.equal(bad, 0);
assert.equal(ok, 912);
});
