/**
 * The encrypted record stream after the handshake (docs/protocol.md §7.3). Each record is one
 * frame (FrameReader.ts) whose body is
 *
 *   ChaCha20-Poly1305(key = this direction's session key, nonce = 0x00000000 ‖ counter (u64 BE),
 *                     plaintext) ‖ tag (16)
 *
 * with `counter` counting this direction's records from 0. A record altered, dropped, replayed or
 * reordered in transit fails to authenticate (RS_ERR_ONLINE_DECRYPT) and the channel closes: the
 * plaintext is never used. Plaintexts are at most {@link MAX_RECORD_BYTES}.
 */
import { createCipheriv, createDecipheriv } from 'node:crypto';
import { makeError } from '../errors/RadiosyncError.js';
import { ONLINE_ERRORS } from './errors.js';
import type { ByteStream } from './ByteStream.js';
import { frame, type FrameReader } from './FrameReader.js';

/** Largest record plaintext: 4 MiB + 1 KiB (one online changeset, src/sync/onlineExchange.ts, and its header). */
export const MAX_RECORD_BYTES = 4 * 1024 * 1024 + 1024;
export const AEAD_TAG_BYTES = 16;
/**
 * Default stall timeout: 15 s without a byte from the peer mid-session. Nothing in a session is
 * silent that long (a receipt follows each changeset within its apply, well under a second per
 * 5,000 rows), and a peer that vanishes without a close (a cable pulled, a route lost) must be
 * given up soon enough for the radio to take over within 30 s (issue #16).
 */
export const DEFAULT_STALL_MS = 15_000;

export interface SecureChannelInit {
  stream: ByteStream;
  reader: FrameReader;
  peer: string;
  sendKey: Uint8Array;
  receiveKey: Uint8Array;
  stallMs?: number;
}

function nonce(counter: bigint): Uint8Array {
  const n = new Uint8Array(12);
  new DataView(n.buffer).setBigUint64(4, counter);
  return n;
}

export class SecureChannel {
  /** The authenticated callsign at the other end. */
  readonly peer: string;
  private readonly stream: ByteStream;
  private readonly reader: FrameReader;
  private readonly sendKey: Uint8Array;
  private readonly receiveKey: Uint8Array;
  private sendCounter = 0n;
  private receiveCounter = 0n;
  stallMs: number;
  bytesOut = 0;

  constructor(init: SecureChannelInit) {
    this.peer = init.peer;
    this.stream = init.stream;
    this.reader = init.reader;
    this.sendKey = init.sendKey;
    this.receiveKey = init.receiveKey;
    this.stallMs = init.stallMs ?? DEFAULT_STALL_MS;
  }

  get remote(): string {
    return this.stream.remote;
  }

  get bytesIn(): number {
    return this.reader.bytesIn;
  }

  /** Encrypt and send one record (resolves once the OS has taken it). */
  send(plain: Uint8Array): Promise<void> {
    if (plain.length > MAX_RECORD_BYTES) throw new RangeError(`record of ${plain.length} bytes exceeds MAX_RECORD_BYTES`);
    const c = createCipheriv('chacha20-poly1305', this.sendKey, nonce(this.sendCounter++), { authTagLength: AEAD_TAG_BYTES });
    const body = Buffer.concat([c.update(plain), c.final(), c.getAuthTag()]);
    const f = frame(body);
    this.bytesOut += f.length;
    return this.stream.write(f);
  }

  /** The next record's plaintext. */
  async receive(): Promise<Uint8Array> {
    const body = await this.reader.next(MAX_RECORD_BYTES + AEAD_TAG_BYTES, this.stallMs);
    if (body.length < AEAD_TAG_BYTES) throw this.fail('record shorter than its tag');
    const d = createDecipheriv('chacha20-poly1305', this.receiveKey, nonce(this.receiveCounter++), { authTagLength: AEAD_TAG_BYTES });
    d.setAuthTag(body.subarray(body.length - AEAD_TAG_BYTES));
    try {
      return new Uint8Array(Buffer.concat([d.update(body.subarray(0, body.length - AEAD_TAG_BYTES)), d.final()]));
    } catch (e) {
      throw this.fail('record did not authenticate', e);
    }
  }

  private fail(why: string, cause?: unknown) {
    this.stream.destroy();
    return makeError(ONLINE_ERRORS, 'RS_ERR_ONLINE_DECRYPT', `${why} (from ${this.peer} at ${this.stream.remote})`, { peer: this.peer }, cause);
  }

  /** Finish sending, then close. */
  end(): void {
    this.stream.end();
  }

  destroy(): void {
    this.stream.destroy();
  }
}
