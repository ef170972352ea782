/**
 * The online handshake (docs/protocol.md §7.2): mutual challenge-response over the station keys,
 * then session keys from ephemeral X25519. A SIGMA-style exchange in three messages, each one
 * frame (FrameReader.ts) of at most {@link MAX_HANDSHAKE_BYTES}:
 *
 *   M1  client → server   "RSO1" ‖ n (1) ‖ client callsign (n) ‖ client ephemeral X25519 (32) ‖ client nonce (32)
 *   M2  server → client   status (1) = 0 ‖ n (1) ‖ server callsign (n) ‖ server ephemeral (32) ‖ server nonce (32)
 *                         ‖ Ed25519 signature (64) by the server's station key over
 *                           SHA-256("radiosync online v1 server" ‖ M1 ‖ M2 without its signature)
 *                         or: status ≠ 0 ‖ reason (UTF-8), then the server closes
 *   M3  client → server   Ed25519 signature (64) by the client's station key over
 *                           SHA-256("radiosync online v1 client" ‖ M1 ‖ M2)
 *   M4  server → client   status (1) = 0 accepted, or ≠ 0 ‖ reason, then the server closes
 *
 *   status: 0 ok, 1 untrusted callsign, 2 authentication failed, 3 busy, 4 protocol error
 *
 * - A stranger (a callsign that is not a trusted peer) is refused on M1, before anything else is
 *   read; a trusted callsign whose M3 does not verify is refused on M3. Either end that finds the
 *   other's signature false closes at once (RS_ERR_ONLINE_AUTH_FAILED).
 * - Each signature covers the other end's fresh nonce and ephemeral key, so a recorded handshake
 *   replayed to a server (or a client) fails: the server's nonce is new each time.
 * - Keys: okm = HKDF-SHA256(ikm = X25519(e_c, e_s) ‖ pairwise static key (src/auth/pairwise.ts),
 *   salt = SHA-256(M1 ‖ M2 ‖ M3), info = "radiosync online v1 keys", 64 bytes);
 *   client→server key = okm[0..32], server→client key = okm[32..64]. The static key in the mix binds
 *   the session to both station keys' X25519 halves as well as to the signatures.
 *
 * Only Node's crypto (Ed25519, X25519, HKDF, SHA-256); nothing hand-rolled.
 */
import { createHash, createPublicKey, diffieHellman, generateKeyPairSync, hkdfSync, randomBytes, sign, verify, type KeyObject } from 'node:crypto';
import type { Clock } from '../clock/Clock.js';
import { makeError, type RadiosyncError } from '../errors/RadiosyncError.js';
import { ONLINE_ERRORS, type OnlineErrorCode } from './errors.js';
import type { ByteStream } from './ByteStream.js';
import { frame, FrameReader } from './FrameReader.js';
import { DEFAULT_STALL_MS, SecureChannel } from './SecureChannel.js';

export const MAGIC = new TextEncoder().encode('RSO1');
/** Largest handshake message: 512 bytes (the longest is M2, 1 + 1 + 9 + 32 + 32 + 64 = 139 B). */
export const MAX_HANDSHAKE_BYTES = 512;
/** Each handshake message must arrive within 10 s by default (a byte restarts the timer). */
export const DEFAULT_HANDSHAKE_TIMEOUT_MS = 10_000;
export const KEY_BYTES = 32;
export const NONCE_BYTES = 32;
export const SIG_BYTES = 64;
const MAX_CALL_BYTES = 9;
const CALL_RE = /^[A-Z0-9]{1,6}(-\d{1,2})?$/;

export const Status = { Ok: 0, Untrusted: 1, AuthFailed: 2, Busy: 3, Protocol: 4 } as const;
const STATUS_CODE: Record<number, OnlineErrorCode> = {
  [Status.Untrusted]: 'RS_ERR_ONLINE_UNTRUSTED',
  [Status.AuthFailed]: 'RS_ERR_ONLINE_AUTH_FAILED',
  [Status.Busy]: 'RS_ERR_ONLINE_BUSY',
  [Status.Protocol]: 'RS_ERR_ONLINE_PROTOCOL',
};

/** This station, as the handshake needs it. */
export interface Identity {
  callsign: string;
  signPrivate: KeyObject;
}

/** A trusted peer's keys: its Ed25519 public key and the pairwise key this station shares with it. */
export interface PeerKeys {
  signPublic: KeyObject;
  pairKey: Uint8Array;
}

export interface HandshakeOptions {
  identity: Identity;
  /** The keys of a trusted peer, or undefined for a stranger. */
  peerKeys: (callsign: string) => PeerKeys | undefined;
  clock: Clock;
  timeoutMs?: number;
  /** Stall timeout of the channel's reads after the handshake. */
  stallMs?: number;
}

const err = (code: OnlineErrorCode, message: string, data: Record<string, unknown> = {}): RadiosyncError => makeError(ONLINE_ERRORS, code, message, data);
const enc = (s: string) => new TextEncoder().encode(s);

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

const sha256 = (...parts: Uint8Array[]) => new Uint8Array(createHash('sha256').update(concat(...parts)).digest());

function ephemeral(): { priv: KeyObject; pub: Uint8Array } {
  const k = generateKeyPairSync('x25519');
  return { priv: k.privateKey, pub: new Uint8Array(Buffer.from(k.publicKey.export({ format: 'jwk' }).x as string, 'base64url')) };
}

function sessionKeys(myEph: KeyObject, theirEph: Uint8Array, pairKey: Uint8Array, transcript: Uint8Array): { c2s: Uint8Array; s2c: Uint8Array } {
  let dh: Uint8Array;
  try {
    const pub = createPublicKey({ key: { kty: 'OKP', crv: 'X25519', x: Buffer.from(theirEph).toString('base64url') }, format: 'jwk' });
    dh = new Uint8Array(diffieHellman({ privateKey: myEph, publicKey: pub }));
  } catch (e) {
    throw makeError(ONLINE_ERRORS, 'RS_ERR_ONLINE_PROTOCOL', 'the ephemeral key is not a usable X25519 point', {}, e);
  }
  const okm = new Uint8Array(hkdfSync('sha256', concat(dh, pairKey), sha256(transcript), 'radiosync online v1 keys', 64));
  return { c2s: okm.slice(0, 32), s2c: okm.slice(32, 64) };
}

/** Parse "n ‖ callsign" at `o`; returns the callsign and the offset after it. */
function readCall(b: Uint8Array, o: number): { call: string; end: number } {
  const n = b[o];
  if (n === undefined || n < 1 || n > MAX_CALL_BYTES || b.length < o + 1 + n) throw err('RS_ERR_ONLINE_PROTOCOL', 'callsign field is malformed');
  const call = new TextDecoder().decode(b.subarray(o + 1, o + 1 + n));
  if (!CALL_RE.test(call)) throw err('RS_ERR_ONLINE_PROTOCOL', `not a callsign: ${JSON.stringify(call)}`);
  return { call, end: o + 1 + n };
}

function callField(call: string): Uint8Array {
  const b = enc(call);
  return concat(Uint8Array.of(b.length), b);
}

function refusal(status: number, reason: string): Uint8Array {
  return frame(concat(Uint8Array.of(status), enc(reason)));
}

function refusedBy(body: Uint8Array, remote: string): RadiosyncError {
  const code = STATUS_CODE[body[0]!] ?? 'RS_ERR_ONLINE_PROTOCOL';
  return err(code, `${remote} refused the session: ${new TextDecoder().decode(body.subarray(1)) || code}`, { remote });
}

/**
 * Connect as the client over an open stream. With `expect`, the server must be that station.
 * Resolves with the open channel and the server's callsign.
 */
export async function clientHandshake(stream: ByteStream, opts: HandshakeOptions & { expect?: string }): Promise<SecureChannel> {
  const reader = new FrameReader(stream, opts.clock);
  const timeout = opts.timeoutMs ?? DEFAULT_HANDSHAKE_TIMEOUT_MS;
  try {
    const eph = ephemeral();
    const m1 = concat(MAGIC, callField(opts.identity.callsign), eph.pub, new Uint8Array(randomBytes(NONCE_BYTES)));
    await stream.write(frame(m1));
    const m2 = await reader.next(MAX_HANDSHAKE_BYTES, timeout);
    if (m2[0] !== Status.Ok) throw refusedBy(m2, stream.remote);
    const { call: server, end } = readCall(m2, 1);
    if (m2.length !== end + KEY_BYTES + NONCE_BYTES + SIG_BYTES) throw err('RS_ERR_ONLINE_PROTOCOL', 'M2 has the wrong length');
    if (opts.expect !== undefined && server !== opts.expect.toUpperCase()) throw err('RS_ERR_ONLINE_WRONG_PEER', `${stream.remote} is ${server}, not ${opts.expect}`, { expected: opts.expect, actual: server });
    const keys = opts.peerKeys(server);
    if (!keys) throw err('RS_ERR_ONLINE_UNTRUSTED', `${stream.remote} is ${server}, which is not a trusted peer here`, { peer: server });
    const signed = m2.subarray(0, m2.length - SIG_BYTES);
    if (!verify(null, sha256(enc('radiosync online v1 server'), m1, signed), keys.signPublic, m2.subarray(m2.length - SIG_BYTES))) {
      throw err('RS_ERR_ONLINE_AUTH_FAILED', `${server} at ${stream.remote} did not prove it holds ${server}'s station key`, { peer: server });
    }
    const m3 = new Uint8Array(sign(null, sha256(enc('radiosync online v1 client'), m1, m2), opts.identity.signPrivate));
    await stream.write(frame(m3));
    const m4 = await reader.next(MAX_HANDSHAKE_BYTES, timeout);
    if (m4.length < 1 || m4[0] !== Status.Ok) throw refusedBy(m4, stream.remote);
    const k = sessionKeys(eph.priv, m2.subarray(end, end + KEY_BYTES), keys.pairKey, concat(m1, m2, m3));
    return new SecureChannel({ stream, reader, peer: server, sendKey: k.c2s, receiveKey: k.s2c, stallMs: opts.stallMs ?? DEFAULT_STALL_MS });
  } catch (e) {
    stream.destroy();
    throw e;
  }
}

/**
 * Answer as the server. `admit` may refuse a trusted peer (busy). Throws (after telling the
 * client why, and closing) on a stranger, a false signature or a protocol error.
 */
export async function serverHandshake(stream: ByteStream, opts: HandshakeOptions & { admit?: (callsign: string) => boolean }): Promise<SecureChannel> {
  const reader = new FrameReader(stream, opts.clock);
  const timeout = opts.timeoutMs ?? DEFAULT_HANDSHAKE_TIMEOUT_MS;
  const refuse = async (status: number, e: RadiosyncError): Promise<never> => {
    await stream.write(refusal(status, e.message)).catch(() => undefined);
    stream.end();
    throw e;
  };
  try {
    const m1 = await reader.next(MAX_HANDSHAKE_BYTES, timeout);
    if (m1.length < MAGIC.length || !MAGIC.every((b, i) => m1[i] === b)) return await refuse(Status.Protocol, err('RS_ERR_ONLINE_PROTOCOL', `${stream.remote} did not open with RSO1`));
    let client: string;
    let end: number;
    try {
      ({ call: client, end } = readCall(m1, MAGIC.length));
    } catch (e) {
      return await refuse(Status.Protocol, e as RadiosyncError);
    }
    if (m1.length !== end + KEY_BYTES + NONCE_BYTES) return await refuse(Status.Protocol, err('RS_ERR_ONLINE_PROTOCOL', 'M1 has the wrong length'));
    const keys = opts.peerKeys(client);
    if (!keys) return await refuse(Status.Untrusted, err('RS_ERR_ONLINE_UNTRUSTED', `${client} (${stream.remote}) is not a trusted peer: refused`, { peer: client, remote: stream.remote }));
    if (opts.admit && !opts.admit(client)) return await refuse(Status.Busy, err('RS_ERR_ONLINE_BUSY', `already in a session with ${client}`, { peer: client }));
    const eph = ephemeral();
    const head = concat(Uint8Array.of(Status.Ok), callField(opts.identity.callsign), eph.pub, new Uint8Array(randomBytes(NONCE_BYTES)));
    const m2 = concat(head, new Uint8Array(sign(null, sha256(enc('radiosync online v1 server'), m1, head), opts.identity.signPrivate)));
    await stream.write(frame(m2));
    const m3 = await reader.next(MAX_HANDSHAKE_BYTES, timeout);
    if (m3.length !== SIG_BYTES || !verify(null, sha256(enc('radiosync online v1 client'), m1, m2), keys.signPublic, m3)) {
      return await refuse(Status.AuthFailed, err('RS_ERR_ONLINE_AUTH_FAILED', `${client} (${stream.remote}) did not prove it holds ${client}'s station key (forged or replayed)`, { peer: client, remote: stream.remote }));
    }
    const k = sessionKeys(eph.priv, m1.subarray(end, end + KEY_BYTES), keys.pairKey, concat(m1, m2, m3));
    await stream.write(frame(Uint8Array.of(Status.Ok)));
    return new SecureChannel({ stream, reader, peer: client, sendKey: k.s2c, receiveKey: k.c2s, stallMs: opts.stallMs ?? DEFAULT_STALL_MS });
  } catch (e) {
    stream.destroy();
    throw e;
  }
}
