/** Error codes of the erasure-coding layer (src/fec). */
import { EXIT, type ErrorCatalog } from '../errors/RadiosyncError.js';

export const FEC_ERRORS = {
  RS_ERR_FEC_WASM_LOAD: {
    exit: EXIT.SOFTWARE,
    description: 'The Reed-Solomon WebAssembly module could not be loaded or instantiated; reinstall @subspace/reed-solomon-erasure.wasm.',
  },
  RS_ERR_FEC_UNRECOVERABLE: {
    exit: EXIT.DATA,
    description: 'A block has fewer than k distinct shards, so it cannot be rebuilt yet ("not enough shards"); more shards are needed.',
  },
  RS_ERR_FEC_GEOMETRY: {
    exit: EXIT.SOFTWARE,
    description: 'Invalid block geometry: k, shard size or shard index outside the codec limits (at most 256 shards per block in GF(2^8)).',
  },
  RS_ERR_FEC_CODEC: {
    exit: EXIT.SOFTWARE,
    description: 'The Reed-Solomon library returned an unexpected error code for well-formed input (a bug).',
  },
} as const satisfies ErrorCatalog;

export type FecErrorCode = keyof typeof FEC_ERRORS;
