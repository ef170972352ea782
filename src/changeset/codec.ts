/**
 * The changeset codec: Changeset ⇄ payload bytes (what the link layer carries).
 *
 *   payload := [header:1] body
 *
 *   header     bit 7..4  format version, 1        (anything else: RS_ERR_CHANGESET_VERSION)
 *              bit 3..0  body encoding:
 *                          0  raw DEFLATE (RFC 1951) of the CBOR tree
 *                          1  the CBOR tree as is (chosen when deflate would not shrink it,
 *                             e.g. a one-row edit of a few dozen bytes)
 *   CBOR tree  RFC 8949, definite lengths, the v1 schema in encodeTree.ts
 *
 * decodeChangeset never returns partial data: any malformed input gives one typed RadiosyncError
 * (RS_ERR_CHANGESET_CORRUPT, _VERSION or _TOO_LARGE), and every size it would allocate is bounded
 * by {@link ChangesetLimits}.
 */
import type { Changeset } from './Changeset.js';
import { makeError, isRadiosyncError } from '../errors/RadiosyncError.js';
import { CHANGESET_ERRORS } from './errors.js';
import { resolveLimits, type ChangesetLimits } from './limits.js';
import { changesetToTree } from './encodeTree.js';
import { treeToChangeset } from './decodeTree.js';
import { boundedInflate, deflate } from './compress.js';
import { corrupt, tooLarge } from './fail.js';
import { cborDecoder as decoder, cborEncoder as encoder } from './cbor.js';

/** Wire format version carried in the header's high nibble: 1 without origin signatures. */
export const CHANGESET_FORMAT_VERSION = 1;
/** Format 2: the tree has a tenth element, the origin signatures (docs/protocol.md §3.4). */
export const CHANGESET_FORMAT_SIGNED = 2;
export const BODY_DEFLATE = 0;
export const BODY_STORED = 1;
const HEADER_BYTES = 1;


/** The CBOR tree alone (no header, no deflate): for measurement and golden vectors. */
export function encodeChangesetCbor(cs: Changeset): Uint8Array {
  return encoder.encode(changesetToTree(cs));
}

export function encodeChangeset(cs: Changeset): Uint8Array {
  const cbor = encodeChangesetCbor(cs);
  const packed = deflate(cbor);
  const stored = packed.length >= cbor.length;
  const body = stored ? cbor : packed;
  const out = new Uint8Array(HEADER_BYTES + body.length);
  const format = cs.sigs === undefined ? CHANGESET_FORMAT_VERSION : CHANGESET_FORMAT_SIGNED;
  out[0] = (format << 4) | (stored ? BODY_STORED : BODY_DEFLATE);
  out.set(body, HEADER_BYTES);
  return out;
}

export function decodeChangeset(bytes: Uint8Array, limits: Partial<ChangesetLimits> = {}): Changeset {
  const lim: ChangesetLimits = resolveLimits(limits);
  try {
    if (!(bytes instanceof Uint8Array) || bytes.length < HEADER_BYTES + 1) throw corrupt('too short');
    const version = bytes[0]! >> 4;
    const method = bytes[0]! & 0x0f;
    if ((version !== CHANGESET_FORMAT_VERSION && version !== CHANGESET_FORMAT_SIGNED) || (method !== BODY_DEFLATE && method !== BODY_STORED)) {
      throw makeError(
        CHANGESET_ERRORS,
        'RS_ERR_CHANGESET_VERSION',
        `unknown changeset format version ${version} / body encoding ${method}`,
        { version, method },
      );
    }
    const body = bytes.subarray(HEADER_BYTES);
    let cbor: Uint8Array;
    if (method === BODY_STORED) {
      if (body.length > lim.maxInflatedBytes) throw tooLarge('maxInflatedBytes', lim.maxInflatedBytes, body.length);
      cbor = body;
    } else cbor = boundedInflate(body, lim.maxInflatedBytes);
    let tree: unknown;
    try {
      tree = decoder.decode(cbor);
    } catch (e) {
      throw corrupt(`bad CBOR: ${e instanceof Error ? e.message : String(e)}`);
    }
    return treeToChangeset(tree, lim, version === CHANGESET_FORMAT_SIGNED);
  } catch (e) {
    if (isRadiosyncError(e)) throw e;
    throw corrupt(`unexpected: ${e instanceof Error ? e.message : String(e)}`);
  }
}
