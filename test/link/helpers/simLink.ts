/**
 * Wire a {@link Link} to a simulated radio (src/sim): radiosync frames ride in AX.25 UI frames
 * (src/framing). Like a plain KISS TNC, the radio never says when a key-up ended, unless
 * `txDoneSignal: true` (then SimRadio.onIdle → Link.transmitDone, as with a TNC that reports it).
 */
import { decodeAx25, encodeUiFrame, PID_NO_LAYER3 } from '../../../src/framing/ax25.js';
import { formatCallsign, parseCallsign } from '../../../src/framing/callsign.js';
import { Link, type LinkOptions } from '../../../src/link/Link.js';
import type { RadioChannel } from '../../../src/sim/RadioChannel.js';
import type { SimRadio, StationOptions } from '../../../src/sim/SimRadio.js';

export interface SimStation {
  name: string;
  link: Link;
  radio: SimRadio;
}

export function simStation(channel: RadioChannel, name: string, opts: { clock: LinkOptions['clock']; bitrate: number; radio?: StationOptions } & Partial<LinkOptions>): SimStation {
  const radio = channel.attach(name, opts.radio ?? {});
  const source = parseCallsign(name);
  const { radio: _r, ...linkOpts } = opts;
  void _r;
  const link = new Link({
    station: name,
    seed: name,
    ...linkOpts,
    transmit: (b) => {
      const destination = parseCallsign(b.to);
      for (const info of b.frames) radio.send(encodeUiFrame({ destination, source, digipeaters: [], command: true, pid: PID_NO_LAYER3, info }));
    },
  });
  radio.onFrame((frame) => {
    const ax = decodeAx25(frame);
    if (!ax.ok || ax.frame.pid !== PID_NO_LAYER3) return;
    link.receive(formatCallsign(ax.frame.source), formatCallsign(ax.frame.destination), ax.frame.info);
  });
  if (opts.txDoneSignal) radio.onIdle(() => link.transmitDone());
  return { name, link, radio };
}
