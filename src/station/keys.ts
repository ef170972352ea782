/**
 * Station keys. Each station has an Ed25519 key pair (signatures: changesets, bundles, beacons)
 * and an X25519 key pair (static Diffie-Hellman with each peer → a pairwise MAC key for the short
 * tags on acks). Node's crypto does all of it; nothing here is hand-rolled crypto.
 *
 * Public key string, as printed by `radiosync key` and given to `peer add --key`:
 *
 *   rsk1:<base64url( ed25519 public (32) ‖ x25519 public (32) )>      (86 characters of base64url)
 *
 * Private keys are PKCS#8 PEM in <home>/keys/station.key (mode 0600), both in one file.
 */
import {
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  type KeyObject,
} from 'node:crypto';
import { makeError } from '../errors/RadiosyncError.js';
import { STATION_ERRORS } from './errors.js';

export const PUBLIC_KEY_PREFIX = 'rsk1:';
const RAW_KEY_BYTES = 32;

export interface StationKeys {
  signPrivate: KeyObject;
  signPublic: KeyObject;
  dhPrivate: KeyObject;
  dhPublic: KeyObject;
}

export interface PeerPublicKey {
  signPublic: KeyObject;
  dhPublic: KeyObject;
  /** The `rsk1:…` text form. */
  text: string;
}

export function generateStationKeys(): StationKeys {
  const sign = generateKeyPairSync('ed25519');
  const dh = generateKeyPairSync('x25519');
  return { signPrivate: sign.privateKey, signPublic: sign.publicKey, dhPrivate: dh.privateKey, dhPublic: dh.publicKey };
}

export function serializePrivateKeys(keys: StationKeys): string {
  return (
    (keys.signPrivate.export({ type: 'pkcs8', format: 'pem' }) as string) +
    (keys.dhPrivate.export({ type: 'pkcs8', format: 'pem' }) as string)
  );
}

export function parsePrivateKeys(pem: string): StationKeys {
  const blocks = pem.match(/-----BEGIN PRIVATE KEY-----[\s\S]+?-----END PRIVATE KEY-----/g) ?? [];
  let signPrivate: KeyObject | undefined;
  let dhPrivate: KeyObject | undefined;
  for (const b of blocks) {
    const k = createPrivateKey(b);
    if (k.asymmetricKeyType === 'ed25519') signPrivate = k;
    else if (k.asymmetricKeyType === 'x25519') dhPrivate = k;
  }
  if (!signPrivate || !dhPrivate) {
    throw makeError(STATION_ERRORS, 'RS_ERR_KEY_FILE', 'station key file does not hold an ed25519 and an x25519 private key');
  }
  return { signPrivate, signPublic: createPublicKey(signPrivate), dhPrivate, dhPublic: createPublicKey(dhPrivate) };
}

function rawPublic(k: KeyObject): Uint8Array {
  const jwk = k.export({ format: 'jwk' });
  return new Uint8Array(Buffer.from(jwk.x as string, 'base64url'));
}

function fromRaw(kty: 'Ed25519' | 'X25519', raw: Uint8Array): KeyObject {
  return createPublicKey({ key: { kty: 'OKP', crv: kty, x: Buffer.from(raw).toString('base64url') }, format: 'jwk' });
}

export function formatPublicKey(keys: Pick<StationKeys, 'signPublic' | 'dhPublic'>): string {
  const raw = new Uint8Array(RAW_KEY_BYTES * 2);
  raw.set(rawPublic(keys.signPublic), 0);
  raw.set(rawPublic(keys.dhPublic), RAW_KEY_BYTES);
  return PUBLIC_KEY_PREFIX + Buffer.from(raw).toString('base64url');
}

export function parsePublicKey(text: string): PeerPublicKey {
  const t = text.trim();
  const bad = () => makeError(STATION_ERRORS, 'RS_ERR_KEY_INVALID', `not a radiosync public key: ${JSON.stringify(t.slice(0, 20))}… (expected rsk1:<86 base64url characters>)`, { key: t });
  if (!t.startsWith(PUBLIC_KEY_PREFIX)) throw bad();
  const body = t.slice(PUBLIC_KEY_PREFIX.length);
  if (!/^[A-Za-z0-9_-]+$/.test(body)) throw bad();
  const raw = new Uint8Array(Buffer.from(body, 'base64url'));
  if (raw.length !== RAW_KEY_BYTES * 2) throw bad();
  try {
    return {
      signPublic: fromRaw('Ed25519', raw.subarray(0, RAW_KEY_BYTES)),
      dhPublic: fromRaw('X25519', raw.subarray(RAW_KEY_BYTES)),
      text: t,
    };
  } catch (e) {
    throw makeError(STATION_ERRORS, 'RS_ERR_KEY_INVALID', 'public key bytes are not valid curve points', { key: t }, e);
  }
}
