/**
 * The one cbor-x configuration of the changeset codec: plain RFC 8949 items only (no record
 * extension, no typed-array tags), so a Uint8Array is a byte string (major type 2) and every
 * other value is an array, integer, text string or float of the schema.
 */
import { Decoder, Encoder } from 'cbor-x';

const options = { useRecords: false, tagUint8Array: false, mapsAsObjects: true, pack: false } as const;
export const cborEncoder = new Encoder(options);
export const cborDecoder = new Decoder(options);
