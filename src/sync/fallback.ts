/**
 * Every way to reach a peer, per peer, for the daemon (config `[online]`, docs/config.md):
 *
 * 1. online: a peer with an address (in `[online.peers]`, or found on the LAN) and something
 *    pending (or never synced) is tried every `retry_s`; so is every such peer, pending or not,
 *    when this station does not listen (nobody can reach it: it has to ask); success records the
 *    path `online` (or `lan`);
 * 2. radio: the daemon's radio runtime queues for every peer inside its windows (src/sync/daemon.ts),
 *    except a peer that online holds ({@link Fallback.holdsRadio}: a session with it under way, or
 *    an address for it whose last attempt did not fail). When an attempt or a served session with
 *    a peer fails, `onOnlineLost` tells the radio at once, so the radio takes over within the
 *    failure's detection time (a cut: at once; silence: the stall timeout), not at its next tick.
 *    When a session ends in sync, `onOnlineSynced` lets the radio drop what it had queued for the
 *    peer before online reached it (the daemon cancels it: no airtime for data already there).
 *    An acknowledged or applied radio transfer records `radio`;
 * 3. bundle: a peer that neither reached (no sync by any path) for `bundle_after_s` while it has
 *    changes pending gets a bundle in `outbox` (one per deadline, not one per tick): path `bundle-out`.
 *
 * And the inbox: each `*.rsb` file in `inbox` that has not changed for {@link SETTLE_MS} (a copy
 * still under way is left for the next scan) is imported (verified whole first), moved to
 * `<inbox>/done/`, and acknowledged by a bundle carrying this station's receipt (and its own
 * changes for the sender) in `outbox`: path `bundle-in`. A bundle that fails to import moves to
 * `<inbox>/failed/` with its code in the station log.
 *
 * Nothing partial: each path applies whole changesets only, and moves a cursor only on a receipt,
 * so a transfer cut on one path resumes on the next without resending what was acknowledged.
 */
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { isRadiosyncError } from '../errors/RadiosyncError.js';
import { captureRecords } from './captureRecords.js';
import { parseHostPort } from '../online/address.js';
import type { Station } from '../station/Station.js';
import { peerList } from '../station/peerList.js';
import type { FolderSync } from './FolderSync.js';
import { exportBundle } from './bundleExport.js';
import { importBundleFile } from './bundleImport.js';
import { serveOnline, syncOnline, type OnlineServer, type OnlineTimeouts } from './online.js';
import { recordPeerPath, type PeerPathKind } from './peerPath.js';
import { lanAddress, startLanDiscovery } from './discovery.js';
import type { MdnsDiscovery } from '../online/mdns.js';

/** A bundle in the inbox is imported once it has not changed for 2 s (a copy under way is not read). */
export const SETTLE_MS = 2_000;

export interface FallbackEvent {
  kind: 'online' | 'online-failed' | 'bundle-out' | 'bundle-in' | 'bundle-failed' | 'listening' | 'capture-failed';
  peer?: string;
  detail?: string;
  rows?: number;
}

export interface FallbackOptions {
  station: Station;
  folders?: FolderSync;
  onEvent?: (e: FallbackEvent) => void;
  online?: OnlineTimeouts;
  /** An online attempt or served session with this peer failed: the radio may carry it now. */
  onOnlineLost?: (peer: string) => void;
  /**
   * An online attempt or served session with this peer ended in sync (its state digest equals
   * ours): whatever the radio queued for it is already there.
   */
  onOnlineSynced?: (peer: string) => void;
}

export class Fallback {
  private readonly st: Station;
  private readonly opts: FallbackOptions;
  private readonly started: number;
  private readonly busy = new Set<string>();
  private readonly lastTry = new Map<string, number>();
  /** Per peer, whether the last online attempt to it reached it in sync. */
  private readonly lastOnline = new Map<string, boolean>();
  private server: OnlineServer | undefined;
  private lan: MdnsDiscovery | undefined;
  /** Aborted by close(): a session under way ends at once instead of within its own timeouts. */
  private readonly closing = new AbortController();

  constructor(opts: FallbackOptions) {
    this.st = opts.station;
    this.opts = opts;
    this.started = opts.station.clock.now();
  }

  private dir(p: string): string {
    return isAbsolute(p) ? p : join(this.st.layout.home, p);
  }

  /**
   * Listen for online syncs if `[online] listen` is set; with `mdns`, browse the LAN for peers
   * (and advertise this station only while it listens: there is nothing to connect to otherwise).
   */
  async start(): Promise<OnlineServer | undefined> {
    const listen = this.st.config.online.listen;
    if (listen === '') {
      if (this.st.config.online.mdns) this.lan = startLanDiscovery(this.st);
      return undefined;
    }
    const a = parseHostPort(listen);
    this.server = await serveOnline(this.st, {
      ...a,
      ...this.opts.online,
      ...(this.opts.folders ? { folders: this.opts.folders } : {}),
      onEvent: (e) => {
        if (e.kind === 'failed' && e.peer !== undefined) this.opts.onOnlineLost?.(e.peer);
        if (e.kind === 'session' && e.peer !== undefined && e.result?.ok === true) this.opts.onOnlineSynced?.(e.peer);
      },
    });
    this.opts.onEvent?.({ kind: 'listening', detail: `${this.server.host}:${this.server.port}` });
    if (this.st.config.online.mdns) this.lan = startLanDiscovery(this.st, { port: this.server.port, host: this.server.host });
    return this.server;
  }

  /** One round: the inbox, online attempts that are due, bundle fallbacks that are due. */
  async tick(): Promise<void> {
    const cfg = this.st.config.online;
    const now = this.st.clock.now();
    // the inbox first: a receipt that arrived may leave nothing to send
    if (cfg.inbox !== '') await this.scanInbox(now);
    // then the application's own writes since the last round (what peers lack)
    if (!captureRecords(this.st, (code) => this.opts.onEvent?.({ kind: 'capture-failed', detail: code }))) return;
    const attempts: Array<Promise<void>> = [];
    for (const p of peerList(this.st)) {
      if (p.state === 'out of use') continue;
      const a = this.address(p.callsign);
      const due = now - (this.lastTry.get(p.callsign) ?? -Infinity) >= cfg.retry_s * 1000;
      // a station that does not listen cannot be reached: it asks each reachable peer every
      // retry_s, pending or not, or it would never get what the peer has for it
      const ask = p.pendingRows > 0 || p.lastSync === null || cfg.listen === '';
      if (a !== undefined && due && !this.busy.has(p.callsign) && ask) {
        this.lastTry.set(p.callsign, now);
        attempts.push(this.tryOnline(p.callsign, a.addr, a.path));
      }
    }
    await Promise.all(attempts);
    if (cfg.outbox !== '' && cfg.bundle_after_s > 0) this.bundleOut(this.st.clock.now());
  }

  /** The peer's online address: `[online.peers]`, else where LAN discovery last saw it trusted. */
  private address(peer: string): { addr: string; path: PeerPathKind } | undefined {
    const set = this.st.config.online.peers[peer];
    if (set !== undefined) return { addr: set, path: 'online' };
    const lan = lanAddress(this.st, peer);
    return lan ? { addr: `${lan.host.includes(':') ? `[${lan.host}]` : lan.host}:${lan.port}`, path: 'lan' } : undefined;
  }

  /**
   * Online first: whether the radio should leave `peer` to the online path now. Yes while a
   * session with it is under way (either end), and while it has an address whose last attempt
   * did not fail (one not tried yet is tried within a round). No otherwise: no address, or the
   * last attempt failed (until an attempt succeeds again).
   */
  holdsRadio(peer: string): boolean {
    if (this.busy.has(peer) || this.server?.active(peer) === true) return true;
    return this.address(peer) !== undefined && this.lastOnline.get(peer) !== false;
  }

  private async tryOnline(peer: string, addr: string, path: PeerPathKind): Promise<void> {
    this.busy.add(peer);
    try {
      if (this.closing.signal.aborted) return;
      const r = await syncOnline(this.st, { ...parseHostPort(addr), with: peer, path, signal: this.closing.signal, ...this.opts.online, ...(this.opts.folders ? { folders: this.opts.folders } : {}) });
      this.lastOnline.set(peer, r.ok);
      this.opts.onEvent?.({ kind: 'online', peer, rows: r.sent.rows + r.received.rows, detail: r.verdict.state });
    } catch (e) {
      if (!isRadiosyncError(e)) throw e;
      this.lastOnline.set(peer, false);
      this.st.log.bump(`online.${e.code}`);
      this.opts.onEvent?.({ kind: 'online-failed', peer, detail: e.code });
    } finally {
      this.busy.delete(peer);
    }
    if (this.lastOnline.get(peer) === false) this.opts.onOnlineLost?.(peer);
    else this.opts.onOnlineSynced?.(peer);
  }

  /**
   * A bundle for each peer nothing reached for `bundle_after_s` while it has something pending:
   * at most one per deadline, none while the last one is still in the outbox and nothing new has
   * been made since, and each new one replaces the last one still there (it carries everything
   * the peer has not acknowledged, so everything the older one did). The last bundle's time, file
   * and version vector are kept in the station log (`bundle-out:<CALL>`), apart from the peer's
   * last path, which every failed online attempt overwrites.
   */
  private bundleOut(now: number): void {
    const deadline = this.st.config.online.bundle_after_s * 1000;
    const outbox = this.dir(this.st.config.online.outbox);
    const vv = JSON.stringify(this.st.records.versionVector());
    for (const p of peerList(this.st)) {
      if (p.state === 'out of use' || p.pendingRows === 0 || this.busy.has(p.callsign)) continue;
      const reached = p.lastSync ?? this.started;
      const key = `bundle-out:${p.callsign}`;
      const last = this.st.log.getJson<{ at: number; file: string; vv: string } | null>(key) ?? undefined;
      if (now - reached < deadline || now - (last?.at ?? -Infinity) < deadline) continue;
      const waiting = last !== undefined && existsSync(last.file);
      if (waiting && last.vv === vv) continue; // the same bundle would be written again
      const ex = exportBundle(this.st, [p.callsign], this.opts.folders);
      const name = `${this.st.callsign}-to-${p.callsign}-${now}.rsb`;
      this.write(outbox, name, ex.bytes);
      if (waiting) rmSync(last.file, { force: true });
      this.st.log.setJson(key, { at: now, file: join(outbox, name), vv });
      recordPeerPath(this.st, p.callsign, { path: 'bundle-out', ok: true, detail: join(outbox, name) });
      this.opts.onEvent?.({ kind: 'bundle-out', peer: p.callsign, rows: ex.rows, detail: join(outbox, name) });
    }
  }

  private write(dir: string, name: string, bytes: Uint8Array): void {
    mkdirSync(dir, { recursive: true });
    const tmp = join(dir, `.${name}.tmp`);
    writeFileSync(tmp, bytes);
    renameSync(tmp, join(dir, name));
  }

  private async scanInbox(now: number): Promise<void> {
    const inbox = this.dir(this.st.config.online.inbox);
    if (!existsSync(inbox)) return;
    for (const name of readdirSync(inbox).sort()) {
      const file = join(inbox, name);
      if (!name.endsWith('.rsb') || name.startsWith('.')) continue;
      const s = statSync(file);
      if (!s.isFile() || Date.now() - s.mtimeMs < SETTLE_MS) continue;
      const move = (sub: string) => {
        mkdirSync(join(inbox, sub), { recursive: true });
        renameSync(file, join(inbox, sub, name));
      };
      try {
        const r = await importBundleFile(this.st, file, this.opts.folders);
        move('done');
        recordPeerPath(this.st, r.from, { path: 'bundle-in', ok: r.skipped.length === 0, detail: name, at: now });
        this.opts.onEvent?.({ kind: 'bundle-in', peer: r.from, rows: r.rowsApplied, detail: name });
        // acknowledge: a receipt (and what the sender lacks) goes back through the outbox; not
        // for a bundle that carried no changeset (a receipt alone: answering it would answer the
        // answer, forever)
        if (r.changesets > 0 && this.st.config.online.outbox !== '' && this.st.isTrusted(r.from) && !this.st.log.outOfUse(r.from)) {
          const ack = exportBundle(this.st, [r.from], this.opts.folders);
          this.write(this.dir(this.st.config.online.outbox), `${this.st.callsign}-to-${r.from}-${now}-ack.rsb`, ack.bytes);
        }
      } catch (e) {
        if (!isRadiosyncError(e)) throw e;
        move('failed');
        this.st.log.bump(`bundle.${e.code}`);
        this.opts.onEvent?.({ kind: 'bundle-failed', detail: `${name}: ${e.code}` });
      }
    }
  }

  /** Stop: sessions under way (either end) are cut at once, whole changesets applied stay. */
  async close(): Promise<void> {
    this.closing.abort();
    this.lan?.close();
    await this.server?.close();
  }
}
