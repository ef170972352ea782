/**
 * Reed-Solomon erasure codec over GF(2^8), backed by @subspace/reed-solomon-erasure.wasm (the Rust
 * `reed-solomon-erasure` crate compiled to WebAssembly).
 *
 * The crate builds its encoding matrix from a Vandermonde matrix made systematic by the inverse of
 * its top k×k square; row k+j depends only on k and j, never on the parity count. So parity shard j
 * is the same whether 4 or 200 parity shards were asked for (test/fec/reedSolomon.test.ts checks
 * it), which is what lets a repair round send *new* parity indices. Asking for parity j therefore
 * encodes j+1 parity rows and keeps the ones wanted: the cost is k·(j+1)·shardSize multiplications,
 * small next to airtime.
 *
 * The WASM module is compiled once, lazily, on first use (synchronously: `fromBytes` on the dist
 * .wasm file), and a failure is cached and reported as RS_ERR_FEC_WASM_LOAD. Inputs are validated
 * before every call: the WASM code panics (and traps) on out-of-range geometry (257 shards).
 *
 * Library defect worked around here: `reconstruct` on a long-lived instance corrupts the module's
 * wee_alloc heap — after a few hundred calls it returns wrong data, then traps with "memory access
 * out of bounds" (reproduced with v0.2.5, see docs/protocol.md §2). `encode` on a shared
 * instance was checked bit-exact against fresh instances over 5,000 random geometries. So encoding
 * uses one shared instance, and each reconstruct runs in a fresh instance of the already compiled
 * module (about 0.3 ms; only needed when a data shard is missing).
 */
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import type { ReedSolomonErasure } from '@subspace/reed-solomon-erasure.wasm';
import { makeError, type RadiosyncError } from '../errors/RadiosyncError.js';
import { FEC_ERRORS } from './errors.js';
import type { ErasureCodec, ReconstructResult, Shard } from './ErasureCodec.js';

/** GF(2^8) has 255 non-zero elements; the crate allows at most 256 shards (data + parity) per block. */
export const RS_MAX_SHARDS = 256;
/** Largest shard the codec accepts (bytes): well above any radio frame; bounds WASM memory per call. */
export const RS_MAX_SHARD_BYTES = 65_536;

const WASM_PACKAGE = '@subspace/reed-solomon-erasure.wasm';
const WASM_FILE = `${WASM_PACKAGE}/dist/reed_solomon_erasure_bg.wasm`;
const RESULT_OK = 0;

type RsClass = typeof ReedSolomonErasure;
/** The slice of the WebAssembly global we use (lib "ES2022" without DOM does not declare it). */
type WasmModule = object;
type WasmExports = Record<string, unknown>;
interface WasmApi {
  Module: new (bytes: Uint8Array) => WasmModule;
  Instance: new (module: WasmModule) => { exports: WasmExports };
}
const Wasm = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;
interface Loaded {
  cls: RsClass;
  module: WasmModule;
  shared: ReedSolomonErasure;
}
let loaded: Loaded | undefined;
let loadError: RadiosyncError | undefined;

function load(): Loaded {
  if (loaded) return loaded;
  if (loadError) throw loadError;
  try {
    const require = createRequire(import.meta.url);
    const cls = (require(WASM_PACKAGE) as { ReedSolomonErasure: RsClass }).ReedSolomonErasure;
    const module = new Wasm.Module(readFileSync(require.resolve(WASM_FILE)));
    loaded = { cls, module, shared: instantiate(cls, module) };
    return loaded;
  } catch (cause) {
    loadError = makeError(FEC_ERRORS, 'RS_ERR_FEC_WASM_LOAD', `cannot load ${WASM_FILE}: ${String(cause)}`, { file: WASM_FILE }, cause);
    throw loadError;
  }
}

function instantiate(cls: RsClass, module: WasmModule): ReedSolomonErasure {
  // The wrapper's constructor is private in its typings; it only stores the instance exports.
  const Ctor = cls as unknown as new (exports: WasmExports) => ReedSolomonErasure;
  return new Ctor(new Wasm.Instance(module).exports);
}

/** The shared WASM instance (used for encoding), loaded on first call. Throws RS_ERR_FEC_WASM_LOAD (cached). */
export function loadReedSolomonWasm(): ReedSolomonErasure {
  return load().shared;
}

/** A fresh instance of the compiled module, for one reconstruct call (see the defect note above). */
function freshInstance(): ReedSolomonErasure {
  const l = load();
  return instantiate(l.cls, l.module);
}

function geometryError(message: string, data: Record<string, unknown>): RadiosyncError {
  return makeError(FEC_ERRORS, 'RS_ERR_FEC_GEOMETRY', message, data);
}

function checkGeometry(k: number, shardSize: number): void {
  if (!Number.isInteger(k) || k < 1 || k >= RS_MAX_SHARDS) throw geometryError(`"k" must be an integer in [1, ${RS_MAX_SHARDS - 1}]: ${k}`, { k });
  if (!Number.isInteger(shardSize) || shardSize < 1 || shardSize > RS_MAX_SHARD_BYTES) {
    throw geometryError(`"shardSize" must be an integer in [1, ${RS_MAX_SHARD_BYTES}]: ${shardSize}`, { shardSize });
  }
}

export class ReedSolomonCodec implements ErasureCodec {
  readonly name = 'reed-solomon-gf256';
  readonly maxShards = RS_MAX_SHARDS;

  encodeParity(data: Uint8Array, k: number, shardSize: number, first: number, count: number): Uint8Array[] {
    checkGeometry(k, shardSize);
    if (data.length !== k * shardSize) throw geometryError(`block data must be k·shardSize = ${k * shardSize} bytes: ${data.length}`, { k, shardSize, length: data.length });
    if (!Number.isInteger(first) || !Number.isInteger(count) || first < 0 || count < 0 || k + first + count > RS_MAX_SHARDS) {
      throw geometryError(`parity ${first}..${first + count - 1} is outside the ${RS_MAX_SHARDS - k} parity shards of a k=${k} block`, { k, first, count });
    }
    if (count === 0) return [];
    const m = first + count;
    const buf = new Uint8Array((k + m) * shardSize);
    buf.set(data);
    const rc = loadReedSolomonWasm().encode(buf, k, m);
    if (rc !== RESULT_OK) throw makeError(FEC_ERRORS, 'RS_ERR_FEC_CODEC', `reed-solomon encode returned ${rc}`, { rc, k, m, shardSize });
    const out: Uint8Array[] = [];
    for (let j = first; j < m; j++) out.push(buf.slice((k + j) * shardSize, (k + j + 1) * shardSize));
    return out;
  }

  reconstruct(k: number, shardSize: number, shards: readonly Shard[]): ReconstructResult {
    checkGeometry(k, shardSize);
    const byIndex = new Map<number, Uint8Array>();
    for (const s of shards) {
      if (!Number.isInteger(s.index) || s.index < 0 || s.index >= RS_MAX_SHARDS) continue;
      if (s.data.length !== shardSize) continue;
      if (!byIndex.has(s.index)) byIndex.set(s.index, s.data);
    }
    if (byIndex.size < k) {
      return {
        ok: false,
        error: makeError(FEC_ERRORS, 'RS_ERR_FEC_UNRECOVERABLE', `not enough shards: have ${byIndex.size} of the ${k} needed`, { have: byIndex.size, k }),
      };
    }
    const out = new Uint8Array(k * shardSize);
    let dataPresent = 0;
    for (let i = 0; i < k; i++) {
      const d = byIndex.get(i);
      if (d) {
        out.set(d, i * shardSize);
        dataPresent++;
      }
    }
    if (dataPresent === k) return { ok: true, data: out };
    // Use the k lowest parity indices present (fewer rows to build), plus every data shard present.
    const parity = [...byIndex.keys()].filter((i) => i >= k).sort((a, b) => a - b).slice(0, k - dataPresent);
    const total = parity[parity.length - 1]! + 1;
    const m = total - k;
    const buf = new Uint8Array(total * shardSize);
    buf.set(out);
    const avail = new Array<boolean>(total).fill(false);
    for (let i = 0; i < k; i++) avail[i] = byIndex.has(i);
    for (const j of parity) {
      buf.set(byIndex.get(j)!, j * shardSize);
      avail[j] = true;
    }
    const rc = freshInstance().reconstruct(buf, k, m, avail);
    if (rc !== RESULT_OK) {
      return { ok: false, error: makeError(FEC_ERRORS, 'RS_ERR_FEC_CODEC', `reed-solomon reconstruct returned ${rc}`, { rc, k, m, shardSize }) };
    }
    return { ok: true, data: buf.slice(0, k * shardSize) };
  }
}

let shared: ReedSolomonCodec | undefined;
/** The process-wide codec (stateless apart from the lazily loaded WASM instance). */
export function reedSolomonCodec(): ReedSolomonCodec {
  return (shared ??= new ReedSolomonCodec());
}
