/** Build stations on a {@link TestChannel} and run them on virtual time. */
import { ManualClock } from '../../../src/clock/ManualClock.js';
import { Link, type LinkOptions } from '../../../src/link/Link.js';
import type { TransferQueue } from '../../../src/link/TransferQueue.js';
import type { DeliveredEvent, ExpiredEvent, FailedEvent, InboundDelivery } from '../../../src/link/linkEvents.js';
import { TestChannel, type TestChannelOptions } from './TestChannel.js';

export interface Station {
  name: string;
  link: Link;
  received: Array<{ from: string; id: number; bytes: Uint8Array }>;
  delivered: DeliveredEvent[];
  failed: FailedEvent[];
  expired: ExpiredEvent[];
}

export interface Net {
  clock: ManualClock;
  channel: TestChannel;
  stations: Map<string, Station>;
  add(name: string, opts?: Partial<LinkOptions> & { queue?: TransferQueue }): Station;
  /** Drop a station's Link (a kill: nothing is flushed) — its queue object or file survives. */
  kill(name: string): void;
  run(done: () => boolean, limitMs?: number): Promise<number>;
}

export function payloadOf(size: number, seed = 1): Uint8Array {
  let x = seed >>> 0 || 1;
  return new Uint8Array(size).map(() => {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    return x & 0xff;
  });
}

export function makeNet(channel: Omit<TestChannelOptions, 'clock'> & { bitrate: number }): Net {
  const clock = new ManualClock(0);
  const ch = new TestChannel({ ...channel, clock });
  const stations = new Map<string, Station>();
  return {
    clock,
    channel: ch,
    stations,
    add(name, opts = {}) {
      const st: Station = { name, link: undefined as unknown as Link, received: [], delivered: [], failed: [], expired: [] };
      const userDeliver = opts.deliver;
      st.link = new Link({
        clock,
        station: name,
        bitrate: channel.bitrate,
        transmit: ch.transmitFor(name),
        seed: name,
        txDoneSignal: channel.txDone ?? false,
        ...opts,
        deliver: (d: InboundDelivery) => {
          st.received.push({ from: d.from, id: d.transferId, bytes: d.bytes() });
          return userDeliver ? userDeliver(d) : undefined;
        },
      });
      st.link.on('delivered', (e) => st.delivered.push(e));
      st.link.on('failed', (e) => st.failed.push(e));
      st.link.on('expired', (e) => st.expired.push(e));
      ch.attach(name, st.link);
      stations.set(name, st);
      return st;
    },
    kill(name) {
      stations.get(name)?.link.close();
      ch.detach(name);
      stations.delete(name);
    },
    run(done, limitMs = 6 * 3_600_000) {
      return clock.run(done, limitMs);
    },
  };
}

/** Count DATA frames a station put on air for transfer `id` (from the channel log). */
export function dataFramesOf(net: Net, from: string, id: number): number {
  return net.channel.log.filter((e) => e.from === from && (e.frame[0]! & 0x38) === 0 && ((e.frame[1]! << 8) | e.frame[2]!) === id).length;
}
