/**
 * The "TNC-2 monitor" text form of a UI frame, as Dire Wolf, APRS software and operators print it:
 *
 *   SOURCE>DEST,DIGI1,DIGI2*,DIGI3:info
 *
 * `*` follows the last digipeater whose H bit is set (the ones before it have repeated too).
 * Info bytes 0x20-0x7E print as themselves, every other byte as `<0xNN>` (Dire Wolf's notation).
 * For logs and the heard list; radiosync never parses this form.
 */
import type { UiFrame } from './ax25.js';
import { formatCallsign } from './callsign.js';

const PRINTABLE_FIRST = 0x20;
const PRINTABLE_LAST = 0x7e;

export function formatMonitor(frame: UiFrame): string {
  let lastRepeated = -1;
  frame.digipeaters.forEach((d, i) => {
    if (d.repeated) lastRepeated = i;
  });
  const path = frame.digipeaters.map((d, i) => `,${formatCallsign(d)}${i === lastRepeated ? '*' : ''}`).join('');
  let info = '';
  for (const b of frame.info) {
    info += b >= PRINTABLE_FIRST && b <= PRINTABLE_LAST ? String.fromCharCode(b) : `<0x${b.toString(16).padStart(2, '0')}>`;
  }
  return `${formatCallsign(frame.source)}>${formatCallsign(frame.destination)}${path}:${info}`;
}
