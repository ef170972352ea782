/** What a `send` would carry to the given peers, without sending: for `radiosync diff`. */
import { sealChangeset } from './signedChangeset.js';
import { buildGroupChangeset } from './groupChangeset.js';
import { frameAirtimeMs } from '../schedule/airtime.js';
import type { Station } from '../station/Station.js';

/** Bytes of radiosync frame header per data frame (see docs/protocol.md), for the estimate. */
const HEADER_ESTIMATE = 4;

export interface SendPreview {
  to: string[];
  rows: number;
  payloadBytes: number;
  frames: number;
  onAirBytes: number;
  airtimeMs: number;
  bitrate: number;
  byTable: Array<{ table: string; upserts: number; deletes: number }>;
}

export function previewSend(st: Station, to: string[]): SendPreview {
  const cs = buildGroupChangeset(st, to);
  const payloadBytes = cs.changes.length === 0 ? 0 : sealChangeset(st, cs).length;
  const P = st.config.radio.frame_bytes;
  const shard = P - HEADER_ESTIMATE;
  const frames = Math.ceil(payloadBytes / shard) + (payloadBytes > 0 ? 1 : 0);
  const bitrate = st.config.radio.bitrate;
  const byTable = new Map<string, { table: string; upserts: number; deletes: number }>();
  for (const c of cs.changes) {
    let t = byTable.get(c.table);
    if (!t) byTable.set(c.table, (t = { table: c.table, upserts: 0, deletes: 0 }));
    if (c.kind === 'delete') t.deletes++;
    else t.upserts++;
  }
  return {
    to,
    rows: cs.changes.length,
    payloadBytes,
    frames,
    onAirBytes: Math.round(frames * (P + 20) * (1 + 1 / 62)),
    airtimeMs: frames * frameAirtimeMs(P, { bitrate }) + (frames > 0 ? st.config.radio.txdelay_ms : 0),
    bitrate,
    byTable: [...byTable.values()],
  };
}
