/** Test ports that lose chosen outgoing frames, as a lossy channel may (the channel never sees them). */
import type { FramePort } from '../../src/sync/FramePort.js';
import { decodeAx25 } from '../../src/framing/ax25.js';
import { decodeFrame } from '../../src/link/decodeFrame.js';
import { FrameType } from '../../src/link/frameHeader.js';

/** The HELLO body of an outgoing AX.25 frame, if it is one. */
export function helloBody(ax25: Uint8Array): Uint8Array | undefined {
  const r = decodeAx25(ax25);
  if (!r.ok) return undefined;
  const f = decodeFrame(r.frame.info);
  return f.ok && f.frame.type === FrameType.Hello ? f.frame.body : undefined;
}

/** A port that drops the first `n` outgoing frames matching `match`, and notes every HELLO's size. */
export function dropping(port: FramePort, match: (ax25: Uint8Array) => boolean, n = 1): FramePort & { dropped: number; helloBytes: number[] } {
  const out = {
    dropped: 0,
    helloBytes: [] as number[],
    send(ax25: Uint8Array) {
      const body = helloBody(ax25);
      if (body) out.helloBytes.push(body.length);
      if (out.dropped < n && match(ax25)) {
        out.dropped++;
        return;
      }
      port.send(ax25);
    },
    onFrame: port.onFrame.bind(port),
    ...(port.onIdle ? { onIdle: port.onIdle.bind(port) } : {}),
  };
  return out;
}
