/**
 * Which path each peer took last (online, LAN, radio, bundle) and when: kept in the station log
 * (key `path:<CALL>`) for `status` and `peers`.
 */
import type { Station } from '../station/Station.js';

export type PeerPathKind = 'online' | 'lan' | 'radio' | 'bundle-out' | 'bundle-in';

export interface PeerPath {
  path: PeerPathKind;
  at: number;
  ok: boolean;
  /** Address, file or error code. */
  detail?: string;
}

const key = (peer: string) => `path:${peer.toUpperCase()}`;

export function recordPeerPath(st: Station, peer: string, p: Omit<PeerPath, 'at'> & { at?: number }): void {
  st.log.setJson(key(peer), { ...p, at: p.at ?? st.clock.now() } satisfies PeerPath);
}

export function lastPeerPath(st: Station, peer: string): PeerPath | undefined {
  return st.log.getJson<PeerPath | null>(key(peer)) ?? undefined;
}

export function formatPeerPath(p: PeerPath | undefined): string {
  if (!p) return '-';
  return `${p.path}${p.ok ? '' : ' (failed)'} ${new Date(p.at).toISOString().replace('T', ' ').slice(0, 16)}Z`;
}
