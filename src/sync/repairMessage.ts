/**
 * Repair messages: what two stations whose digests differ send each other to find the rows and
 * files that differ and ask for them (docs/protocol.md §6.3). They travel as ordinary link
 * transfers (reliable, acknowledged), told apart from signed changesets by their first byte
 * (a changeset envelope starts with 0x01).
 *
 *   offset  size  field
 *   0       1     magic 0xD1 (repair, version 1)
 *   1       1     kind: 1 = PROBE, 2 = REPLY
 *   2       1     n = length of the sender's callsign, then n bytes ASCII
 *   .       1     m = length of the receiver's callsign, then m bytes ASCII
 *   .       34    the sender's digest summary (src/store/digest.ts)
 *   .       2     v = length of the sender's version vector, u16 BE, then v bytes:
 *                 CBOR map text → uint (its own vector: what it holds)
 *   PROBE:  1     flags: bit 0 a rows table follows, bit 1 a files table follows
 *           .     rows IBLT (src/store/leafIblt.ts wire form), then files IBLT, as flagged
 *   REPLY:  1     status: bit 0 the rows table did not decode, bit 1 the files table did not
 *           2+8r  r = u16 BE, then r × key8: rows whose leaves differ and that the sender wants
 *           2+8f  f = u16 BE, then f × key8: files likewise
 *           2+16c c = u16 BE, then c × 16-byte chunk ids the sender lacks ("you thought I had it")
 *           4+L   L = u32 BE, then a signed changeset (L = 0: none) with the sender's full history
 *                 of every differing row it holds
 *   last    8     HMAC tag (the pair's key, src/auth/pairwise.ts) over every byte before it
 */
import { decode as cborDecode } from 'cbor-x';
import { encodeDeterministic } from '../util/deterministicCbor.js';
import type { VersionVector } from '../changeset/Changeset.js';
import { DIGEST_SUMMARY_BYTES } from '../store/digest.js';
import { LeafIblt } from '../store/leafIblt.js';
import { macTag, TAG_BYTES, verifyTag } from '../auth/pairwise.js';
import type { Station } from '../station/Station.js';

export const REPAIR_MAGIC = 0xd1;
export const RepairKind = { Probe: 1, Reply: 2 } as const;
/** Most keys or chunk ids one REPLY lists (u16 counts). */
export const MAX_REPAIR_KEYS = 0xffff;

export interface RepairHead {
  from: string;
  to: string;
  summary: Uint8Array;
  vv: VersionVector;
}

export interface RepairProbe extends RepairHead {
  kind: 'probe';
  rows?: LeafIblt;
  files?: LeafIblt;
}

export interface RepairReply extends RepairHead {
  kind: 'reply';
  rowsUndecodable: boolean;
  filesUndecodable: boolean;
  needRows: bigint[];
  needFiles: bigint[];
  missingChunks: Uint8Array[];
  changeset?: Uint8Array;
}

export type RepairMessage = RepairProbe | RepairReply;

class Writer {
  parts: Uint8Array[] = [];
  u8(n: number): void {
    this.parts.push(Uint8Array.of(n));
  }
  u16(n: number): void {
    const b = Buffer.alloc(2);
    b.writeUInt16BE(n);
    this.parts.push(b);
  }
  u32(n: number): void {
    const b = Buffer.alloc(4);
    b.writeUInt32BE(n);
    this.parts.push(b);
  }
  bytes(b: Uint8Array): void {
    this.parts.push(b);
  }
  text(s: string): void {
    const b = new TextEncoder().encode(s);
    this.u8(b.length);
    this.bytes(b);
  }
  keys(ks: bigint[]): void {
    this.u16(ks.length);
    const b = Buffer.alloc(8 * ks.length);
    ks.forEach((k, i) => b.writeBigUInt64BE(k, 8 * i));
    this.bytes(b);
  }
  done(): Uint8Array {
    return new Uint8Array(Buffer.concat(this.parts));
  }
}

export function encodeRepair(station: Station, m: RepairMessage): Uint8Array {
  const w = new Writer();
  w.u8(REPAIR_MAGIC);
  w.u8(m.kind === 'probe' ? RepairKind.Probe : RepairKind.Reply);
  w.text(m.from);
  w.text(m.to);
  w.bytes(m.summary);
  const vv = encodeDeterministic(m.vv);
  w.u16(vv.length);
  w.bytes(vv);
  if (m.kind === 'probe') {
    w.u8((m.rows ? 1 : 0) | (m.files ? 2 : 0));
    if (m.rows) w.bytes(m.rows.encode());
    if (m.files) w.bytes(m.files.encode());
  } else {
    w.u8((m.rowsUndecodable ? 1 : 0) | (m.filesUndecodable ? 2 : 0));
    w.keys(m.needRows.slice(0, MAX_REPAIR_KEYS));
    w.keys(m.needFiles.slice(0, MAX_REPAIR_KEYS));
    const chunks = m.missingChunks.slice(0, MAX_REPAIR_KEYS);
    w.u16(chunks.length);
    for (const c of chunks) w.bytes(c);
    w.u32(m.changeset?.length ?? 0);
    if (m.changeset) w.bytes(m.changeset);
  }
  const body = w.done();
  const key = station.pairKey(m.to);
  if (key === undefined) throw new RangeError(`no pair key for ${m.to}`);
  return new Uint8Array(Buffer.concat([body, macTag(key, body)]));
}

export function isRepairMessage(bytes: Uint8Array): boolean {
  return bytes[0] === REPAIR_MAGIC;
}

/** Decode and authenticate; undefined for anything malformed, not for us, or with a bad tag. */
export function decodeRepair(station: Station, bytes: Uint8Array): RepairMessage | undefined {
  try {
    return decodeUnsafe(station, bytes);
  } catch {
    return undefined;
  }
}

function decodeUnsafe(station: Station, bytes: Uint8Array): RepairMessage | undefined {
  if (bytes.length < 3 + TAG_BYTES || bytes[0] !== REPAIR_MAGIC) return undefined;
  const body = bytes.subarray(0, bytes.length - TAG_BYTES);
  const b = Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  let o = 2;
  const need = (n: number): void => {
    if (o + n > b.length) throw new RangeError('short');
  };
  const text = (): string => {
    need(1);
    const n = b[o++]!;
    need(n);
    const s = b.subarray(o, o + n).toString('ascii');
    o += n;
    return s;
  };
  const u16 = (): number => (need(2), (o += 2), b.readUInt16BE(o - 2));
  const keys = (): bigint[] => {
    const n = u16();
    need(8 * n);
    const out = Array.from({ length: n }, (_, i) => b.readBigUInt64BE(o + 8 * i));
    o += 8 * n;
    return out;
  };
  const kind = b[1];
  const from = text();
  const to = text();
  if (to !== station.callsign) return undefined;
  const key = station.isTrusted(from) ? station.pairKey(from) : undefined;
  if (key === undefined || !verifyTag(key, body, bytes.subarray(bytes.length - TAG_BYTES))) return undefined;
  need(DIGEST_SUMMARY_BYTES);
  const summary = new Uint8Array(b.subarray(o, o + DIGEST_SUMMARY_BYTES));
  o += DIGEST_SUMMARY_BYTES;
  const vl = u16();
  need(vl);
  const vvRaw = cborDecode(b.subarray(o, o + vl)) as unknown;
  o += vl;
  if (typeof vvRaw !== 'object' || vvRaw === null) return undefined;
  const vv: VersionVector = {};
  for (const [k, n] of Object.entries(vvRaw as Record<string, unknown>)) {
    if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < 0) return undefined;
    vv[k] = n;
  }
  const head = { from, to, summary, vv };
  need(1);
  const flags = b[o++]!;
  if (kind === RepairKind.Probe) {
    const table = (): LeafIblt => {
      need(2);
      const m = b.readUInt16BE(o);
      const len = 2 + 17 * 3 * m;
      need(len);
      const t = LeafIblt.decodeWire(new Uint8Array(b.subarray(o, o + len)));
      if (!t) throw new RangeError('bad table');
      o += len;
      return t;
    };
    const rows = flags & 1 ? table() : undefined;
    const files = flags & 2 ? table() : undefined;
    if (o !== b.length) return undefined;
    return { kind: 'probe', ...head, ...(rows ? { rows } : {}), ...(files ? { files } : {}) };
  }
  if (kind !== RepairKind.Reply) return undefined;
  const needRows = keys();
  const needFiles = keys();
  const c = u16();
  need(16 * c);
  const missingChunks = Array.from({ length: c }, (_, i) => new Uint8Array(b.subarray(o + 16 * i, o + 16 * i + 16)));
  o += 16 * c;
  need(4);
  const L = b.readUInt32BE(o);
  o += 4;
  need(L);
  const changeset = L > 0 ? new Uint8Array(b.subarray(o, o + L)) : undefined;
  o += L;
  if (o !== b.length) return undefined;
  return { kind: 'reply', ...head, rowsUndecodable: (flags & 1) !== 0, filesUndecodable: (flags & 2) !== 0, needRows, needFiles, missingChunks, ...(changeset ? { changeset } : {}) };
}
