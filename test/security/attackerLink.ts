/**
 * An attacker's link engine on the simulated air: the real Link code, claiming any callsign, with
 * no authenticator (it holds no station key), sending whatever payload it likes and reading the
 * acks addressed to that callsign.
 */
import { Link } from '../../src/link/Link.js';
import { decodeAx25 } from '../../src/framing/ax25.js';
import { formatCallsign } from '../../src/framing/callsign.js';
import type { SimRadio } from '../../src/sim/SimRadio.js';
import type { Clock } from '../../src/clock/Clock.js';
import { uiFrame } from './airRig.js';

export function attackerLink(radio: SimRadio, clock: Clock, claim: string, bitrate: number): { link: Link; close: () => void } {
  const link = new Link({
    clock,
    station: claim,
    bitrate,
    txDoneSignal: true,
    transmit: (b) => {
      for (const f of b.frames) radio.send(uiFrame(claim, b.to, f));
    },
  });
  const offs = [
    radio.onFrame((bytes) => {
      const r = decodeAx25(bytes);
      if (!r.ok) return;
      const to = formatCallsign(r.frame.destination);
      if (to === claim) link.receive(formatCallsign(r.frame.source), to, r.frame.info);
    }),
    radio.onIdle(() => link.transmitDone()),
  ];
  return { link, close: () => (offs.forEach((o) => o()), link.close()) };
}
