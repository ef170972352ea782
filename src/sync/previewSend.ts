/**
 * What a `send` (or an `export`) would carry to the given peers, without sending: for `radiosync
 * diff`. Every changeset it would take (caps continue), rows and file chunks alike, so the
 * headline counts file bytes too.
 */
import { frameAirtimeMs } from '../radio/airtime.js';
import type { Station } from '../station/Station.js';
import type { FolderSync } from './FolderSync.js';
import { buildChangesets } from './bundleExport.js';
import { MAX_BUNDLE_BYTES } from '../bundle/bundle.js';

/** Bytes of radiosync frame header per data frame (see docs/protocol.md), for the estimate. */
const HEADER_ESTIMATE = 4;

export interface SendPreview {
  to: string[];
  rows: number;
  /** File content (chunk bytes) the peers lack. */
  chunkBytes: number;
  chunks: number;
  changesets: number;
  payloadBytes: number;
  frames: number;
  onAirBytes: number;
  airtimeMs: number;
  bitrate: number;
  byTable: Array<{ table: string; upserts: number; deletes: number }>;
}

export function previewSend(st: Station, to: string[], folders?: FolderSync): SendPreview {
  const peers = to.map((c) => c.toUpperCase());
  const built = buildChangesets(st, peers, folders?.enabled ? folders : undefined, MAX_BUNDLE_BYTES);
  const P = st.config.radio.frame_bytes;
  const shard = P - HEADER_ESTIMATE;
  let frames = 0;
  let payloadBytes = 0;
  for (const b of built.sealed) {
    payloadBytes += b.length;
    frames += Math.ceil(b.length / shard) + 1;
  }
  const bitrate = st.config.radio.bitrate;
  return {
    to: peers,
    rows: built.rows,
    chunkBytes: built.chunkBytes,
    chunks: built.chunks,
    changesets: built.sealed.length,
    payloadBytes,
    frames,
    onAirBytes: Math.round(frames * (P + 20) * (1 + 1 / 62)),
    airtimeMs: frames * frameAirtimeMs(P, { bitrate }) + (frames > 0 ? st.config.radio.txdelay_ms * built.sealed.length : 0),
    bitrate,
    byTable: [...built.byTable].map(([table, t]) => ({ table, ...t })),
  };
}
