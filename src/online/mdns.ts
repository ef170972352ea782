/**
 * LAN discovery by mDNS / DNS-SD (multicast-dns): each station with an online listener advertises
 *
 *   PTR  _radiosync._tcp.local            → <CALL>._radiosync._tcp.local
 *   SRV  <CALL>._radiosync._tcp.local     → port, target <call>.radiosync.local
 *   TXT  <CALL>._radiosync._tcp.local     "v=1" "call=<CALL>" "fp=<fingerprint>"
 *   A    <call>.radiosync.local           → each IPv4 address of this machine (non-internal first)
 *
 * and browses for the same service. `fp` is {@link keyFingerprint} of the station's public key
 * text: a browser compares it with the key it trusts for that callsign. An advertisement is only a
 * hint of where to connect: the handshake (handshake.ts) proves the key, so a forged record
 * leads at worst to a refused connection (RS_ERR_ONLINE_AUTH_FAILED).
 *
 * Bounds: TXT values over {@link MAX_TXT_BYTES} and callsigns that are not callsigns are ignored.
 */
import { createHash } from 'node:crypto';
import { networkInterfaces } from 'node:os';
import makeMdns from 'multicast-dns';

export const MDNS_SERVICE = '_radiosync._tcp.local';
/** Longest TXT string read: 64 bytes. */
export const MAX_TXT_BYTES = 64;
/** Queries: every 1 s for the first 10 s (discovery within 5 s), then every 30 s. */
export const FAST_QUERY_MS = 1_000;
export const FAST_QUERY_PERIOD_MS = 10_000;
export const SLOW_QUERY_MS = 30_000;
const CALL_RE = /^[A-Z0-9]{1,6}(-\d{1,2})?$/;

/** 16 hex digits: the first 8 bytes of SHA-256 of the `rsk1:…` public key text. */
export function keyFingerprint(publicKeyText: string): string {
  return createHash('sha256').update(publicKeyText.trim()).digest('hex').slice(0, 16);
}

export interface Advert {
  callsign: string;
  fingerprint: string;
  port: number;
  /** The IPv4 addresses to advertise (the one the listener is bound to); default: this machine's. */
  addresses?: string[];
}

export interface Discovered {
  callsign: string;
  fingerprint: string;
  host: string;
  port: number;
}

export interface MdnsOptions {
  advert?: Advert;
  onFound?: (d: Discovered) => void;
  /** multicast-dns socket options (interface, port, ip, loopback) — tests use a private port. */
  socket?: Parameters<typeof makeMdns>[0];
}

function localIPv4(): string[] {
  const all = Object.values(networkInterfaces()).flatMap((l) => l ?? []).filter((a) => a.family === 'IPv4');
  const ext = all.filter((a) => !a.internal).map((a) => a.address);
  return ext.length > 0 ? ext : all.map((a) => a.address);
}

type Answer = { name: string; type: string; data: unknown };

export class MdnsDiscovery {
  private readonly m: ReturnType<typeof makeMdns>;
  private readonly opts: MdnsOptions;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private readonly started = Date.now();
  private closed = false;

  constructor(opts: MdnsOptions) {
    this.opts = opts;
    this.m = makeMdns(opts.socket);
    this.m.on('error', () => undefined);
    this.m.on('warning', () => undefined);
    this.m.on('query', (q) => {
      if (opts.advert && q.questions.some((x) => x.name.toLowerCase() === MDNS_SERVICE && (x.type === 'PTR' || (x.type as string) === 'ANY'))) this.announce();
    });
    this.m.on('response', (r, rinfo) => this.onResponse([...r.answers, ...(r.additionals ?? [])] as Answer[], rinfo.address));
  }

  start(): void {
    if (this.opts.advert) this.announce();
    this.query();
  }

  private query(): void {
    if (this.closed) return;
    this.m.query({ questions: [{ name: MDNS_SERVICE, type: 'PTR' }] });
    const fast = Date.now() - this.started < FAST_QUERY_PERIOD_MS;
    this.timer = setTimeout(() => this.query(), fast ? FAST_QUERY_MS : SLOW_QUERY_MS);
  }

  private announce(): void {
    const a = this.opts.advert!;
    const inst = `${a.callsign}.${MDNS_SERVICE}`;
    const target = `${a.callsign.toLowerCase()}.radiosync.local`;
    this.m.respond({
      answers: [{ name: MDNS_SERVICE, type: 'PTR', ttl: 120, data: inst }],
      additionals: [
        { name: inst, type: 'SRV', ttl: 120, data: { port: a.port, target, priority: 0, weight: 0 } },
        { name: inst, type: 'TXT', ttl: 120, data: ['v=1', `call=${a.callsign}`, `fp=${a.fingerprint}`] },
        ...(a.addresses ?? localIPv4()).map((ip) => ({ name: target, type: 'A' as const, ttl: 120, data: ip })),
      ],
    });
  }

  private onResponse(records: Answer[], from: string): void {
    for (const ptr of records.filter((r) => r.type === 'PTR' && r.name.toLowerCase() === MDNS_SERVICE)) {
      const inst = String(ptr.data);
      const srv = records.find((r) => r.type === 'SRV' && r.name === inst)?.data as { port?: number; target?: string } | undefined;
      const txt = records.find((r) => r.type === 'TXT' && r.name === inst)?.data;
      if (!srv || typeof srv.port !== 'number' || !Array.isArray(txt)) continue;
      const kv = new Map<string, string>();
      for (const t of txt as Array<Buffer | string>) {
        const s = typeof t === 'string' ? t : Buffer.from(t).toString('utf8');
        if (s.length > MAX_TXT_BYTES) continue;
        const i = s.indexOf('=');
        if (i > 0) kv.set(s.slice(0, i), s.slice(i + 1));
      }
      const call = kv.get('call') ?? '';
      const fp = kv.get('fp') ?? '';
      if (!CALL_RE.test(call) || !/^[0-9a-f]{16}$/.test(fp)) continue;
      if (this.opts.advert && call === this.opts.advert.callsign && fp === this.opts.advert.fingerprint) continue; // ourselves
      const a = records.find((r) => r.type === 'A' && r.name === srv.target && String(r.data) === from) ?? records.find((r) => r.type === 'A' && r.name === srv.target);
      this.opts.onFound?.({ callsign: call, fingerprint: fp, host: a ? String(a.data) : from, port: srv.port });
    }
  }

  close(): void {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.m.destroy();
  }
}
