/**
 * The known stations with their state, as in the seed tool's machine-state table:
 * - `online`: heard within {@link ONLINE_WINDOW_MS};
 * - `offline`: heard before, not lately;
 * - `unknown`: never heard on air (bundles only, or not yet);
 * - `out of use`: retired with `radiosync peer retire` (kept for audit, nothing exchanged).
 */
import { pendingChanges } from '../store/pending.js';
import type { Station } from './Station.js';

/** A peer heard within the last 15 minutes is online. */
export const ONLINE_WINDOW_MS = 15 * 60 * 1000;

export type PeerState = 'online' | 'offline' | 'unknown' | 'out of use';

export interface PeerStatus {
  callsign: string;
  state: PeerState;
  owner: string | null;
  contact: string | null;
  trusted: boolean;
  lastHeard: number | null;
  lastSync: number | null;
  syncCount: number;
  /** Row changes this station holds that the peer has not acknowledged. */
  pendingRows: number;
  acked: Record<string, number>;
  clockFlag: 'ahead' | 'behind' | null;
}

export function peerList(st: Station): PeerStatus[] {
  const now = st.clock.now();
  return st.records
    .peers()
    .filter((p) => p.publicKey !== null)
    .map((p) => {
      const call = p.callsign ?? p.station;
      const lastHeard = st.log.lastHeard(call);
      const state: PeerState = st.log.outOfUse(call)
        ? 'out of use'
        : lastHeard === null
          ? 'unknown'
          : now - lastHeard <= ONLINE_WINDOW_MS
            ? 'online'
            : 'offline';
      return {
        callsign: call,
        state,
        owner: p.owner,
        contact: p.contact,
        trusted: true,
        lastHeard,
        lastSync: p.lastSync,
        syncCount: p.syncCount,
        pendingRows: pendingChanges(st.records.db, p.station, p.acked),
        acked: p.acked,
        clockFlag: p.clockFlag,
      };
    })
    .sort((a, b) => a.callsign.localeCompare(b.callsign));
}
