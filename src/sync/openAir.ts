/**
 * Open a station's way onto the air: a transport (serial KISS TNC or KISS over TCP) with the
 * KISS TNC on top, set up from the station config (init strings, KISS parameters).
 */
import { openTransport, parseKissTcpAddress, type TransportSpec, formatTransportSpec } from '../transport/openTransport.js';
import { KissTnc } from '../tnc/KissTnc.js';
import type { StationConfig } from '../config/schema.js';
import { kissTncPort, type FramePort } from './FramePort.js';

export interface Air {
  name: string;
  port: FramePort;
  tnc: KissTnc;
  /** Errors from writes after open (a TNC that went away). */
  errors: unknown[];
  close(): Promise<void>;
}

const HEX = /^hex:/i;

/** The transport from flags, or else from the config's [radio] section. */
/**
 * The transport `[radio]` names: `port` and `baud` for serial, `host` (host:port) for KISS over
 * TCP. (`kiss_port` is the TNC's KISS port, the radio channel inside the KISS stream, not a TCP
 * port: openAir passes it to the TNC.)
 */
export function transportFromConfig(radio: StationConfig['radio']): TransportSpec {
  return radio.transport === 'serial'
    ? { kind: 'serial', path: radio.port, baud: radio.baud }
    : { kind: 'kiss-tcp', ...parseKissTcpAddress(radio.host) };
}

export async function openAir(spec: TransportSpec, radio: StationConfig['radio'], limits?: StationConfig['limits']): Promise<Air> {
  const transport = await openTransport(spec);
  const errors: unknown[] = [];
  const compact = (s: string) => s.replace(/\s+/g, '').toLowerCase();
  const tnc = await KissTnc.open(transport, {
    initStrings: radio.init.filter((s) => !HEX.test(s)),
    exitStrings: radio.exit.filter((s) => !HEX.test(s)),
    exitKiss: radio.exit.some((s) => compact(s) === 'hex:c0ffc0'),
    initDelayMs: radio.init_delay_ms,
    ...(limits ? { maxFrameBytes: limits.max_frame_bytes } : {}),
    ...(radio.set_kiss_params
      ? { parameters: { txDelayMs: radio.txdelay_ms, persistence: radio.persistence, slotTimeMs: radio.slot_ms, txTailMs: radio.txtail_ms } }
      : {}),
  });
  return {
    name: formatTransportSpec(spec),
    port: kissTncPort(tnc, (e) => errors.push(e), radio.kiss_port),
    tnc,
    errors,
    close: async () => {
      await tnc.close();
      await transport.close();
    },
  };
}
