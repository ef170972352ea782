/**
 * A TCP tap between an online client and its server, for cutting a session the ways a network
 * does: `close` (both sockets destroyed: the peer sees a close at once, as when its process dies
 * or a router answers with a reset) or `silent` (nothing is forwarded any more and nothing is
 * closed: a cable pulled, a route lost; only a stall timeout notices). A cut happens after
 * `cutAfter` bytes in one direction, or when `cut()` is called.
 */
import { connect, createServer, type Socket } from 'node:net';

export interface TapOptions {
  cutAfter?: number;
  /** Which direction `cutAfter` counts: client → server (`up`, default) or back (`down`). */
  direction?: 'up' | 'down';
  mode?: 'close' | 'silent';
}

export interface Tap {
  port: number;
  /** What the client sent, as it passed. */
  sent: Buffer[];
  /** Bytes forwarded so far, each way. */
  bytes: { up: number; down: number };
  /** Cut every connection now (and every later one). */
  cut(): void;
  readonly isCut: boolean;
  /** Date.now() when the cut happened (undefined before). */
  readonly cutAt: number | undefined;
  close(): Promise<void>;
}

export async function tcpTap(port: number, opts: TapOptions = {}, host = '127.0.0.1'): Promise<Tap> {
  const sent: Buffer[] = [];
  const bytes = { up: 0, down: 0 };
  const socks = new Set<Socket>();
  const pairs = new Set<[Socket, Socket]>();
  let isCut = false;
  let cutAt: number | undefined;
  const cutPair = ([c, s]: [Socket, Socket]) => {
    if ((opts.mode ?? 'close') === 'close') {
      c.destroy();
      s.destroy();
    }
  };
  const cut = () => {
    if (!isCut) cutAt = Date.now();
    isCut = true;
    for (const p of pairs) cutPair(p);
  };
  const server = createServer((c) => {
    if (isCut && (opts.mode ?? 'close') === 'close') {
      c.destroy();
      return;
    }
    const s = connect(port, host);
    const pair: [Socket, Socket] = [c, s];
    socks.add(c).add(s);
    pairs.add(pair);
    let passed = 0;
    const pipe = (from: Socket, to: Socket, dir: 'up' | 'down') => from.on('data', (d: Buffer) => {
      if (isCut) return;
      if (opts.cutAfter !== undefined && (opts.direction ?? 'up') === dir) {
        const room = opts.cutAfter - passed;
        passed += d.length;
        if (room <= d.length) {
          const head = d.subarray(0, Math.max(0, room));
          if (dir === 'up') sent.push(head);
          bytes[dir] += head.length;
          to.write(head, () => cut());
          return;
        }
      }
      if (dir === 'up') sent.push(d);
      bytes[dir] += d.length;
      to.write(d);
    });
    pipe(c, s, 'up');
    pipe(s, c, 'down');
    // a close passes through until a silent cut; after it, neither end hears of the other's close
    for (const x of pair) {
      x.on('error', () => undefined).on('close', () => {
        pairs.delete(pair);
        if (isCut && (opts.mode ?? 'close') === 'silent') return;
        c.destroy();
        s.destroy();
      });
    }
  });
  await new Promise<void>((r) => server.listen(0, host, r));
  const a = server.address() as { port: number };
  return {
    port: a.port,
    sent,
    bytes,
    cut,
    get isCut() {
      return isCut;
    },
    get cutAt() {
      return cutAt;
    },
    close: () => new Promise((r) => {
      for (const x of socks) x.destroy();
      server.close(() => r());
    }),
  };
}
