/**
 * The online transport, station side: `sync --tcp` (the client) and `serve` (the server), over the
 * authenticated, encrypted channel of src/online/ and the exchange of src/sync/onlineExchange.ts.
 * The trust rules are the radio's: only trusted peers that are not out of use are admitted.
 */
import { systemClock } from '../clock/Clock.js';
import { isRadiosyncError, makeError } from '../errors/RadiosyncError.js';
import { ONLINE_ERRORS } from '../online/errors.js';
import type { ByteStream } from '../online/ByteStream.js';
import { clientHandshake, serverHandshake, type HandshakeOptions, type PeerKeys } from '../online/handshake.js';
import { connectTcp, listenTcp } from '../online/tcp.js';
import { connectWs, listenWs } from '../online/ws.js';
import type { Station } from '../station/Station.js';
import type { FolderSync } from './FolderSync.js';
import { onlineExchange, type OnlineEvent, type OnlineResult } from './onlineExchange.js';
import { recordPeerPath, type PeerPathKind } from './peerPath.js';

export interface OnlineTimeouts {
  /** Rows per changeset this end sends (default ONLINE_ROWS_PER_CHANGESET). */
  rowsPerChangeset?: number;
  /** Silence allowed for each handshake message (default 10 s). */
  handshakeMs?: number;
  /** Silence mid-session (default 30 s). */
  stallMs?: number;
  /** TCP connect (default 5 s). */
  connectMs?: number;
}

/** What the handshake needs from a station: its identity and its trusted peers' keys. */
export function stationHandshake(st: Station, t: OnlineTimeouts = {}): HandshakeOptions {
  return {
    identity: { callsign: st.callsign, signPrivate: st.keys.signPrivate },
    peerKeys: (call): PeerKeys | undefined => {
      if (!st.isTrusted(call) || st.log.outOfUse(call)) return undefined;
      const signPublic = st.peerSignKey(call);
      const pairKey = st.pairKey(call);
      return signPublic && pairKey ? { signPublic, pairKey } : undefined;
    },
    clock: systemClock,
    ...(t.handshakeMs !== undefined ? { timeoutMs: t.handshakeMs } : {}),
    ...(t.stallMs !== undefined ? { stallMs: t.stallMs } : {}),
  };
}

function summary(r: OnlineResult): Record<string, unknown> {
  return { sent: { rows: r.sent.rows, transfers: r.sent.changesets, acknowledged: r.sent.acknowledged }, received: r.received, verdicts: { [r.peer]: r.verdict }, keyUps: 0, path: 'online' };
}

/** Run the exchange over an open stream as the client, logging the session and the peer's path. */
export async function syncOverStream(st: Station, stream: ByteStream, opts: OnlineTimeouts & { with: string; folders?: FolderSync; onEvent?: (e: OnlineEvent) => void; path?: PeerPathKind }): Promise<OnlineResult> {
  const peer = opts.with.toUpperCase();
  const id = st.log.startSession('online', [peer], st.clock.now());
  try {
    const ch = await clientHandshake(stream, { ...stationHandshake(st, opts), expect: peer });
    opts.onEvent?.({ kind: 'connected', peer, detail: stream.remote });
    const r = await onlineExchange(st, ch, { folders: opts.folders, ...(opts.onEvent ? { onEvent: opts.onEvent } : {}), ...(opts.rowsPerChangeset ? { rowsPerChangeset: opts.rowsPerChangeset } : {}) });
    st.log.endSession(id, st.clock.now(), r.ok, summary(r));
    recordPeerPath(st, peer, { path: opts.path ?? 'online', ok: r.ok, detail: stream.remote });
    return r;
  } catch (e) {
    // a failed session leaves nothing open (a handshake refused by a stranger, another protocol…)
    stream.destroy();
    st.log.endSession(id, st.clock.now(), false, { error: isRadiosyncError(e) ? e.code : String(e) });
    recordPeerPath(st, peer, { path: opts.path ?? 'online', ok: false, detail: isRadiosyncError(e) ? e.code : 'error' });
    throw e;
  }
}

/**
 * `sync --with CALL --tcp HOST:PORT`, or `--ws ws://HOST:PORT/radiosync` (give `url` instead of host
 * and port). `signal` ends the session at once when aborted (the connection is destroyed: the
 * session fails with RS_ERR_ONLINE_CLOSED, and what was applied before stays, whole changesets only).
 * `deadlineMs` does the same after that long, connecting included, and fails with
 * RS_ERR_ONLINE_TIMEOUT.
 */
export async function syncOnline(st: Station, opts: OnlineTimeouts & ({ host: string; port: number } | { url: string }) & { with: string; folders?: FolderSync; onEvent?: (e: OnlineEvent) => void; path?: PeerPathKind; signal?: AbortSignal; deadlineMs?: number }): Promise<OnlineResult> {
  const peer = opts.with.toUpperCase();
  st.requireTrusted(peer);
  const started = Date.now();
  const left = (): number | undefined => (opts.deadlineMs === undefined ? undefined : Math.max(1, opts.deadlineMs - (Date.now() - started)));
  const connectMs = opts.connectMs === undefined ? left() : Math.min(opts.connectMs, left() ?? Infinity);
  let stream: ByteStream;
  try {
    stream = 'url' in opts ? await connectWs(opts.url, connectMs) : await connectTcp(opts.host, opts.port, connectMs);
  } catch (e) {
    recordPeerPath(st, opts.with, { path: opts.path ?? 'online', ok: false, detail: isRadiosyncError(e) ? e.code : 'error' });
    throw e;
  }
  const signal = opts.signal;
  const cut = (): void => stream.destroy();
  if (signal?.aborted === true) cut();
  signal?.addEventListener('abort', cut, { once: true });
  let expired = false;
  const ms = left();
  const deadline = ms === undefined ? undefined : setTimeout(() => {
    expired = true;
    cut();
  }, ms);
  try {
    return await syncOverStream(st, stream, opts);
  } catch (e) {
    if (expired && isRadiosyncError(e, 'RS_ERR_ONLINE_CLOSED')) {
      throw makeError(ONLINE_ERRORS, 'RS_ERR_ONLINE_TIMEOUT', `the session with ${peer} reached its deadline (${Math.round(opts.deadlineMs! / 1000)} s) and was cut; whole changesets applied so far stay, run sync again for the rest`, { deadlineMs: opts.deadlineMs }, e);
    }
    throw e;
  } finally {
    if (deadline !== undefined) clearTimeout(deadline);
    signal?.removeEventListener('abort', cut);
  }
}

export interface ServeEvent {
  kind: 'session' | 'refused' | 'failed';
  peer?: string;
  remote: string;
  code?: string;
  detail?: string;
  result?: OnlineResult;
}

export interface OnlineServer {
  host: string;
  port: number;
  /** The WebSocket listener's port, when one was asked for. */
  wsPort?: number;
  /** Sessions finished, refused or failed so far. */
  readonly stats: { sessions: number; refused: number; failed: number };
  /** Whether a session with this peer (callsign) is under way. */
  active(peer: string): boolean;
  /** Answer one stream (a TCP connection, a WebSocket): handshake, then the exchange. */
  accept(stream: ByteStream): Promise<void>;
  close(): Promise<void>;
}

/** Answer streams for a station: one session per peer at a time; a failing session harms no other. */
export function onlineResponder(st: Station, opts: OnlineTimeouts & { folders?: FolderSync; onEvent?: (e: ServeEvent) => void } = {}): Pick<OnlineServer, 'stats' | 'accept' | 'active'> {
  const active = new Set<string>();
  const stats = { sessions: 0, refused: 0, failed: 0 };
  const accept = async (stream: ByteStream): Promise<void> => {
    let peer: string | undefined;
    let reserved: string | undefined;
    let id: number | undefined;
    try {
      // a peer's slot is taken when it is admitted (before M2), so two handshakes at once cannot both pass
      const admit = (c: string): boolean => {
        if (active.has(c)) return false;
        active.add((reserved = c));
        return true;
      };
      const ch = await serverHandshake(stream, { ...stationHandshake(st, opts), admit });
      peer = ch.peer;
      id = st.log.startSession('serve', [peer], st.clock.now());
      const r = await onlineExchange(st, ch, { folders: opts.folders, ...(opts.rowsPerChangeset ? { rowsPerChangeset: opts.rowsPerChangeset } : {}) });
      st.log.endSession(id, st.clock.now(), r.ok, summary(r));
      recordPeerPath(st, peer, { path: 'online', ok: r.ok, detail: stream.remote });
      stats.sessions++;
      opts.onEvent?.({ kind: 'session', peer, remote: stream.remote, result: r });
    } catch (e) {
      const code = isRadiosyncError(e) ? e.code : 'error';
      if (id !== undefined) st.log.endSession(id, st.clock.now(), false, { error: code });
      if (peer !== undefined) recordPeerPath(st, peer, { path: 'online', ok: false, detail: code });
      const refused = peer === undefined;
      if (refused) stats.refused++;
      else stats.failed++;
      st.log.bump(`online.${code}`);
      opts.onEvent?.({ kind: refused ? 'refused' : 'failed', remote: stream.remote, code, detail: e instanceof Error ? e.message : String(e), ...(peer ? { peer } : {}) });
      if (!isRadiosyncError(e)) throw e;
    } finally {
      if (reserved !== undefined) active.delete(reserved);
    }
  };
  return { stats, accept, active: (peer) => active.has(peer.toUpperCase()) };
}

/** `serve --listen HOST:PORT [--ws HOST:PORT]`: TCP, and the same stream over WebSocket at /radiosync. */
export async function serveOnline(st: Station, opts: OnlineTimeouts & { host: string; port: number; ws?: { host: string; port: number }; folders?: FolderSync; onEvent?: (e: ServeEvent) => void }): Promise<OnlineServer> {
  const responder = onlineResponder(st, opts);
  const accept = (s: ByteStream) => void responder.accept(s).catch(() => undefined);
  const l = await listenTcp(opts.host, opts.port, accept);
  let w: Awaited<ReturnType<typeof listenWs>> | undefined;
  try {
    w = opts.ws ? await listenWs(opts.ws.host, opts.ws.port, accept) : undefined;
  } catch (e) {
    await l.close();
    throw e;
  }
  return {
    host: l.host,
    port: l.port,
    ...(w ? { wsPort: w.port } : {}),
    stats: responder.stats,
    accept: responder.accept,
    active: responder.active,
    close: async () => {
      await w?.close();
      await l.close();
    },
  };
}
