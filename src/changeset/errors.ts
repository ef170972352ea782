/**
 * Error codes of the changeset codec. Decoding bytes from the air or a file yields one of the
 * DATA codes below, never a raw exception and never a partial changeset.
 */
import { EXIT, type ErrorCatalog } from '../errors/RadiosyncError.js';

export const CHANGESET_ERRORS = {
  RS_ERR_CHANGESET_CORRUPT: {
    exit: EXIT.DATA,
    description:
      'A changeset payload is malformed (bad deflate stream, bad CBOR, or a structure that does not match the schema); it is discarded whole.',
  },
  RS_ERR_CHANGESET_VERSION: {
    exit: EXIT.DATA,
    description:
      'A changeset payload has an unknown format version or compression method; upgrade radiosync on this station.',
  },
  RS_ERR_CHANGESET_TOO_LARGE: {
    exit: EXIT.DATA,
    description:
      'A changeset payload exceeds a decoding limit (inflated size, rows, columns, cells, tables, stations or string length); it is discarded before the limit is passed.',
  },
  RS_ERR_CHANGESET_INVALID: {
    exit: EXIT.SOFTWARE,
    description:
      'A changeset handed to the encoder breaks the data model (e.g. a non-integer seq, an HLC outside 0..2^64-1, a lone surrogate in a string); a bug in the caller.',
  },
} as const satisfies ErrorCatalog;

export type ChangesetErrorCode = keyof typeof CHANGESET_ERRORS;
