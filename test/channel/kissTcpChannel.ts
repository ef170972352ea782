/**
 * A real-time KISS-over-TCP soft TNC for the system tests, behaving like Dire Wolf's KISSPORT:
 * each station gets its own TCP port on 127.0.0.1; what a client writes there is that station's
 * TNC transmit queue; frames heard on the air go, as KISS data frames, to every client connected
 * to each receiving station's port. The air itself is `AirChannel` (see airChannel.ts).
 *
 * It never tells a station when its frames have left: no transmit-done, no ACKMODE echo, no
 * answer to a SetHardware TXBUF query. KISS parameter commands (TXDELAY, P, SlotTime, TXtail)
 * are counted and, by default, ignored: the TNC's own settings rule, as with a TXDELAY set by a
 * potentiometer or in direwolf.conf (`honourKissParams` makes them apply).
 *
 * Standalone (the system tests spawn it as its own process):
 *   node --import tsx test/channel/kissTcpChannel.ts --stations N0HQ,N0FLD --bitrate 1200 \
 *        --loss 0.1 --seed 7 --txdelay 300 [--txtail 50] [--persist 63] [--slottime 100] \
 *        [--queue 100] [--dup 0.01] [--hold P,MIN_MS,MAX_MS] [--base-port 0] [--honour-kiss-params]
 *        [--report FILE]
 * prints {"event":"ready","stations":[{"name","host","port"}]} on stdout, a {"event":"stats"}
 * line on SIGUSR2 or when it reads "stats" on stdin, and {"event":"exit","stats":…} on
 * SIGTERM/SIGINT (also written to --report FILE), then exits 0.
 */
import { createServer, type Server, type Socket } from 'node:net';
import { writeFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { createInterface } from 'node:readline';
import { AirChannel, type AirChannelOptions, type AirStats } from './airChannel.js';
import { KissDecoder, kissEncode, KISS_MAX_FRAME_BYTES } from './kissCodec.js';
import { parseLossSpec } from './lossModel.js';
import { RealScheduler, type Scheduler } from './scheduler.js';

/** A client that stops reading gets no more frames once this much is waiting in its socket. */
export const MAX_CLIENT_BACKLOG_BYTES = 1 << 20;
/** Clients per station port. */
export const MAX_CLIENTS_PER_STATION = 8;

export interface KissTcpChannelOptions extends AirChannelOptions {
  host?: string;
  /** One port per station, or 0 for an ephemeral port (the default). */
  ports?: readonly number[];
  maxFrameBytes?: number;
  honourKissParams?: boolean;
}

export interface StationPort {
  name: string;
  host: string;
  port: number;
}

export interface KissCounters {
  connections: number;
  /** KISS commands other than data, by command number ("1" TXDELAY … "6" SetHardware, "12" ACKMODE, "255" exit). */
  commands: Record<string, number>;
  /** Data frames on a KISS port other than 0 (this TNC has one radio port). */
  otherPort: number;
  emptyFrames: number;
  oversize: number;
  badEscape: number;
  /** Frames heard while no client was connected, or while the client was not reading. */
  undeliverable: number;
}

export interface ChannelStats extends AirStats {
  bitrate: number;
  kiss: Record<string, KissCounters>;
}

interface StationIo {
  name: string;
  server: Server;
  clients: Set<Socket>;
  decoders: Map<Socket, KissDecoder>;
  counters: KissCounters;
}

export class KissTcpChannel {
  private constructor(
    readonly air: AirChannel,
    private readonly io: Map<string, StationIo>,
    readonly stations: StationPort[],
    private readonly clock: Scheduler,
    private readonly bitrate: number,
  ) {}

  static async start(opts: KissTcpChannelOptions, clock: Scheduler = new RealScheduler()): Promise<KissTcpChannel> {
    const host = opts.host ?? '127.0.0.1';
    const maxFrame = opts.maxFrameBytes ?? KISS_MAX_FRAME_BYTES;
    const io = new Map<string, StationIo>();
    const air = new AirChannel(opts, clock, (to, frame) => {
      const s = io.get(to)!;
      let handed = false;
      const bytes = kissEncode(0x00, frame);
      for (const c of s.clients) {
        if (c.writableLength > MAX_CLIENT_BACKLOG_BYTES) continue;
        c.write(bytes);
        handed = true;
      }
      if (!handed) s.counters.undeliverable++;
    });
    const ports: StationPort[] = [];
    try {
      for (const [i, name] of opts.stations.entries()) {
        const s: StationIo = {
          name,
          server: createServer(),
          clients: new Set(),
          decoders: new Map(),
          counters: { connections: 0, commands: {}, otherPort: 0, emptyFrames: 0, oversize: 0, badEscape: 0, undeliverable: 0 },
        };
        s.server.on('connection', (sock) => KissTcpChannel.attach(s, sock, air, maxFrame, opts.honourKissParams ?? false));
        await new Promise<void>((resolve, reject) => {
          s.server.once('error', reject);
          s.server.listen(opts.ports?.[i] ?? 0, host, () => resolve());
        });
        const addr = s.server.address();
        if (addr === null || typeof addr === 'string') throw new Error('no TCP address');
        io.set(name, s);
        ports.push({ name, host, port: addr.port });
      }
    } catch (e) {
      for (const s of io.values()) s.server.close();
      air.close();
      throw e;
    }
    return new KissTcpChannel(air, io, ports, clock, opts.bitrate);
  }

  private static attach(s: StationIo, sock: Socket, air: AirChannel, maxFrame: number, honour: boolean): void {
    if (s.clients.size >= MAX_CLIENTS_PER_STATION) {
      sock.destroy();
      return;
    }
    s.counters.connections++;
    sock.setNoDelay(true);
    const dec = new KissDecoder(maxFrame + 1);
    s.clients.add(sock);
    s.decoders.set(sock, dec);
    const gone = () => {
      s.counters.oversize += dec.counters.oversize;
      s.counters.badEscape += dec.counters.badEscape;
      dec.counters.oversize = 0;
      dec.counters.badEscape = 0;
      s.clients.delete(sock);
      s.decoders.delete(sock);
    };
    sock.on('close', gone);
    sock.on('error', () => sock.destroy());
    sock.on('data', (chunk: Buffer) => {
      for (const f of dec.push(chunk)) {
        const type = f[0]!;
        if (type === 0xff) {
          s.counters.commands['255'] = (s.counters.commands['255'] ?? 0) + 1;
          continue;
        }
        const port = type >> 4;
        const cmd = type & 0x0f;
        if (cmd !== 0) {
          s.counters.commands[String(cmd)] = (s.counters.commands[String(cmd)] ?? 0) + 1;
          const v = f[1];
          if (honour && port === 0 && v !== undefined) {
            if (cmd === 1) air.setParams(s.name, { txdelayMs: v * 10 });
            else if (cmd === 2) air.setParams(s.name, { persistence: v });
            else if (cmd === 3) air.setParams(s.name, { slotMs: v * 10 });
            else if (cmd === 4) air.setParams(s.name, { txtailMs: v * 10 });
          }
          continue;
        }
        if (port !== 0) {
          s.counters.otherPort++;
          continue;
        }
        if (f.length < 2) {
          s.counters.emptyFrames++;
          continue;
        }
        air.submit(s.name, f.subarray(1));
      }
    });
  }

  stats(): ChannelStats {
    const kiss: Record<string, KissCounters> = {};
    for (const s of this.io.values()) {
      const c = { ...s.counters, commands: { ...s.counters.commands } };
      for (const d of s.decoders.values()) {
        c.oversize += d.counters.oversize;
        c.badEscape += d.counters.badEscape;
      }
      kiss[s.name] = c;
    }
    return { bitrate: this.bitrate, ...this.air.stats(), kiss };
  }

  async close(): Promise<void> {
    this.air.close();
    if (this.clock instanceof RealScheduler) this.clock.cancelAll();
    await Promise.all(
      [...this.io.values()].map(
        (s) =>
          new Promise<void>((resolve) => {
            for (const c of s.clients) c.destroy();
            s.server.close(() => resolve());
          }),
      ),
    );
  }
}

/** `--hold P,MIN_MS,MAX_MS`. */
function parseHold(text: string): { p: number; minMs: number; maxMs: number } {
  const [p, min, max] = text.split(',').map(Number);
  if (p === undefined || min === undefined || max === undefined || !(p >= 0 && p <= 1) || !(min >= 0) || !(max >= min)) throw new Error(`--hold: expected P,MIN_MS,MAX_MS, got "${text}"`);
  return { p, minMs: min, maxMs: max };
}

function intArg(v: string | undefined, name: string, dflt: number, min: number, max: number): number {
  if (v === undefined) return dflt;
  const n = Number(v);
  if (!Number.isInteger(n) || n < min || n > max) throw new Error(`--${name}: expected an integer ${min}..${max}, got "${v}"`);
  return n;
}

export function optionsFromArgv(argv: string[]): KissTcpChannelOptions & { report?: string } {
  const { values } = parseArgs({
    args: argv,
    options: {
      stations: { type: 'string' }, bitrate: { type: 'string' }, loss: { type: 'string' }, seed: { type: 'string' },
      txdelay: { type: 'string' }, txtail: { type: 'string' }, persist: { type: 'string' }, slottime: { type: 'string' },
      queue: { type: 'string' }, dup: { type: 'string' }, hold: { type: 'string' }, 'base-port': { type: 'string' },
      'honour-kiss-params': { type: 'boolean' }, report: { type: 'string' }, 'max-frame': { type: 'string' },
    },
    strict: true,
  });
  const stations = (values.stations ?? 'N0HQ,N0FLD').split(',').map((s) => s.trim()).filter((s) => s !== '');
  const base = intArg(values['base-port'], 'base-port', 0, 0, 65535);
  const dup = values.dup === undefined ? 0 : Number(values.dup);
  if (!(dup >= 0 && dup <= 1)) throw new Error(`--dup: expected a probability, got "${values.dup}"`);
  return {
    stations,
    bitrate: intArg(values.bitrate, 'bitrate', 1200, 50, 10_000_000),
    loss: parseLossSpec(values.loss ?? '0'),
    seed: intArg(values.seed, 'seed', 1, 0, 2 ** 32 - 1),
    txdelayMs: intArg(values.txdelay, 'txdelay', 300, 0, 10_000),
    txtailMs: intArg(values.txtail, 'txtail', 50, 0, 10_000),
    persistence: intArg(values.persist, 'persist', 63, 0, 255),
    slotMs: intArg(values.slottime, 'slottime', 100, 0, 10_000),
    queueDepth: intArg(values.queue, 'queue', 100, 1, 100_000),
    duplicate: dup,
    hold: values.hold === undefined ? null : parseHold(values.hold),
    ports: stations.map((_, i) => (base === 0 ? 0 : base + i)),
    honourKissParams: values['honour-kiss-params'] ?? false,
    maxFrameBytes: intArg(values['max-frame'], 'max-frame', KISS_MAX_FRAME_BYTES, 16, 1 << 20),
    ...(values.report === undefined ? {} : { report: values.report }),
  };
}

async function main(): Promise<void> {
  let opts: ReturnType<typeof optionsFromArgv>;
  try {
    opts = optionsFromArgv(process.argv.slice(2));
  } catch (e) {
    process.stderr.write(`kissTcpChannel: ${(e as Error).message}\n`);
    process.exit(64);
  }
  const ch = await KissTcpChannel.start(opts);
  const line = (o: unknown) => process.stdout.write(`${JSON.stringify(o)}\n`);
  line({ event: 'ready', stations: ch.stations, bitrate: opts.bitrate, loss: opts.loss, seed: opts.seed, txdelayMs: opts.txdelayMs });
  process.on('SIGUSR2', () => line({ event: 'stats', stats: ch.stats() }));
  createInterface({ input: process.stdin }).on('line', (l) => {
    if (l.trim() === 'stats') line({ event: 'stats', stats: ch.stats() });
  });
  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    const stats = ch.stats();
    if (opts.report) writeFileSync(opts.report, JSON.stringify(stats));
    line({ event: 'exit', stats });
    void ch.close().then(() => process.exit(0));
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) await main();
