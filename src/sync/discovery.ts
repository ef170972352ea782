/**
 * Stations found on the LAN by mDNS (src/online/mdns.ts), judged against this station's trust:
 * - `trusted`: a trusted peer advertising the fingerprint of the key `peer add` recorded;
 * - `fingerprint mismatch`: a trusted callsign advertising another key's fingerprint (not synced);
 * - `seen, not trusted`: any other callsign (shown in `peers`, never synced).
 * What was seen is kept in the station log (key `lan:seen`), at most {@link MAX_LAN_SEEN} stations,
 * the oldest dropped first. An advertisement only says where to connect: the handshake still
 * proves the key.
 */
import { keyFingerprint, MdnsDiscovery, type Discovered, type MdnsOptions } from '../online/mdns.js';
import type { Station } from '../station/Station.js';

/** Stations remembered from the LAN: 256. */
export const MAX_LAN_SEEN = 256;

export type LanState = 'trusted' | 'fingerprint mismatch' | 'seen, not trusted';

export interface LanSeen extends Discovered {
  at: number;
  state: LanState;
}

const KEY = 'lan:seen';

export function stationFingerprint(st: Station, callsign?: string): string | undefined {
  if (callsign === undefined || callsign === st.callsign) return keyFingerprint(st.publicKey());
  const p = st.records.peer(callsign);
  return p?.publicKey ? keyFingerprint(new TextDecoder().decode(p.publicKey)) : undefined;
}

export function classify(st: Station, d: Discovered): LanState {
  if (!st.isTrusted(d.callsign)) return 'seen, not trusted';
  return stationFingerprint(st, d.callsign) === d.fingerprint ? 'trusted' : 'fingerprint mismatch';
}

export function lanSeen(st: Station): LanSeen[] {
  return Object.values(st.log.getJson<Record<string, LanSeen>>(KEY) ?? {}).map((s) => ({ ...s, state: classify(st, s) }));
}

export function recordSeen(st: Station, d: Discovered): LanSeen {
  const all = st.log.getJson<Record<string, LanSeen>>(KEY) ?? {};
  const seen: LanSeen = { ...d, at: st.clock.now(), state: classify(st, d) };
  all[d.callsign] = seen;
  const keep = Object.values(all).sort((a, b) => b.at - a.at).slice(0, MAX_LAN_SEEN);
  st.log.setJson(KEY, Object.fromEntries(keep.map((s) => [s.callsign, s])));
  return seen;
}

/** The LAN address of a trusted peer whose advertisement matched its key, if one was seen. */
export function lanAddress(st: Station, callsign: string): { host: string; port: number } | undefined {
  const s = lanSeen(st).find((x) => x.callsign === callsign.toUpperCase() && x.state === 'trusted');
  return s ? { host: s.host, port: s.port } : undefined;
}

/**
 * What to advertise for a listener bound to `host`: this machine's addresses for a wildcard
 * (`0.0.0.0`, `::`, none given: undefined), the one address for a specific IPv4 address, and
 * nothing (null) for loopback, which no other machine can reach.
 */
export function advertisedAddresses(host: string | undefined): string[] | undefined | null {
  if (host === undefined || host === '' || host === '0.0.0.0' || host === '::' || host === '[::]') return undefined;
  if (host === 'localhost' || host.startsWith('127.') || host === '::1' || host === '[::1]') return null;
  return /^\d{1,3}(\.\d{1,3}){3}$/.test(host) ? [host] : undefined;
}

/** Advertise this station (when it listens on `port`) and browse; every station seen is recorded. */
export function startLanDiscovery(st: Station, opts: { port?: number; host?: string; socket?: MdnsOptions['socket']; onSeen?: (s: LanSeen) => void } = {}): MdnsDiscovery {
  const addresses = advertisedAddresses(opts.host);
  const d = new MdnsDiscovery({
    ...(opts.port !== undefined && addresses !== null ? { advert: { callsign: st.callsign, fingerprint: stationFingerprint(st)!, port: opts.port, ...(addresses ? { addresses } : {}) } } : {}),
    ...(opts.socket ? { socket: opts.socket } : {}),
    // recorded whether or not anyone listens (`opts.onSeen?.(recordSeen(…))` would skip the record
    // when onSeen is absent: `peers --discover` and the daemon recorded nothing that way)
    onFound: (f) => {
      if (f.callsign === st.callsign) return; // this station, heard from another of its processes
      const seen = recordSeen(st, f);
      opts.onSeen?.(seen);
    },
  });
  d.start();
  return d;
}

/**
 * Browse the LAN until `callsign` is seen (at most `timeoutMs`): its address if it advertised the
 * trusted key's fingerprint; RS_ERR_ONLINE_AUTH_FAILED if it advertised another; RS_ERR_ONLINE_UNREACHABLE
 * if it was not seen.
 */
export async function findOnLan(st: Station, callsign: string, timeoutMs: number, socket?: MdnsOptions['socket']): Promise<{ host: string; port: number }> {
  const call = callsign.toUpperCase();
  const { makeError } = await import('../errors/RadiosyncError.js');
  const { ONLINE_ERRORS } = await import('../online/errors.js');
  const seen = await new Promise<LanSeen | undefined>((resolve) => {
    let mismatch: LanSeen | undefined;
    const t = setTimeout(() => done(mismatch), timeoutMs);
    const d = startLanDiscovery(st, {
      ...(socket ? { socket } : {}),
      onSeen: (s) => {
        if (s.callsign !== call) return;
        if (s.state === 'trusted') done(s);
        else mismatch = s;
      },
    });
    function done(s: LanSeen | undefined): void {
      clearTimeout(t);
      d.close();
      resolve(s);
    }
  });
  if (!seen) throw makeError(ONLINE_ERRORS, 'RS_ERR_ONLINE_UNREACHABLE', `${call} was not seen on the LAN within ${timeoutMs} ms`, { peer: call });
  if (seen.state !== 'trusted') {
    throw makeError(ONLINE_ERRORS, seen.state === 'seen, not trusted' ? 'RS_ERR_ONLINE_UNTRUSTED' : 'RS_ERR_ONLINE_AUTH_FAILED', `${call} at ${seen.host}:${seen.port} advertises key fingerprint ${seen.fingerprint}, not the trusted key's: refused`, { peer: call, fingerprint: seen.fingerprint });
  }
  return { host: seen.host, port: seen.port };
}
