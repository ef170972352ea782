import { ManualClock } from '../../src/clock/ManualClock.js';
import { RadioChannel, type RadioChannelOptions } from '../../src/sim/RadioChannel.js';

/** A frame of `n` bytes whose first 4 bytes are `seq` (big-endian) and the rest a fixed pattern. */
export function frameOf(n: number, seq = 0): Uint8Array {
  const f = new Uint8Array(n);
  for (let i = 4; i < n; i++) f[i] = (i * 37) & 0xff;
  new DataView(f.buffer).setUint32(0, seq);
  return f;
}

export function seqOf(f: Uint8Array): number {
  return new DataView(f.buffer, f.byteOffset).getUint32(0);
}

export function makeChannel(opts: Partial<RadioChannelOptions> = {}): { clock: ManualClock; channel: RadioChannel } {
  const clock = new ManualClock(0);
  const channel = new RadioChannel({ clock, seed: 1, bitrate: 1200, ...opts });
  return { clock, channel };
}

/** Fire timers synchronously until the channel is quiet (or `limitMs` of virtual time passes). */
export function drain(clock: ManualClock, channel: RadioChannel, limitMs = 24 * 3600_000): void {
  const end = clock.now() + limitMs;
  while (!channel.quiet) {
    const at = clock.nextAt();
    if (at === undefined || at > end) break;
    clock.step();
  }
}
