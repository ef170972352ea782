/**
 * The tiny entry `radiosync sim` calls: turn commander's string options into {@link SimHubOptions},
 * run the hub until SIGINT/SIGTERM, and return the exit code. All validation happens here or in
 * the hub, with RS_ERR_SIM_BAD_OPTION naming the bad value.
 *
 * src/cli/commands/sim.ts declares the options (docs/cli.md lists them) and calls {@link simMain}.
 */
import { makeError } from '../errors/RadiosyncError.js';
import { SIM_ERRORS } from './errors.js';
import { runSimHub, type SimHubOptions } from './SimHub.js';
import type { RadioParams } from './SimRadio.js';

export interface SimCliOptions {
  stations?: string;
  bitrate?: string | number;
  loss?: string;
  ber?: string | number;
  latency?: string | number;
  /** Extra delivery delay per frame, uniform in [0, jitter] ms. */
  jitter?: string | number;
  /** Probability that a frame is delivered twice. */
  duplicate?: string | number;
  seed?: string | number;
  /** `A:C,B:D`: pairs of stations that cannot hear each other. */
  hidden?: string;
  basePort?: string | number;
  ptyDir?: string;
  /** commander's `--no-pty` sets this false. */
  pty?: boolean;
  txdelay?: string | number;
  txtail?: string | number;
  persist?: string | number;
  slottime?: string | number;
  /** Seconds between periodic reports; 0 for only at exit. */
  reportInterval?: string | number;
  json?: boolean;
}

function num(name: string, v: string | number | undefined): number | undefined {
  if (v === undefined) return undefined;
  const n = typeof v === 'number' ? v : Number(v.trim());
  if (typeof v === 'string' && v.trim() === '') throw makeError(SIM_ERRORS, 'RS_ERR_SIM_BAD_OPTION', `"${name}" must be a number: ${v}`, { name, value: v });
  if (!Number.isFinite(n)) throw makeError(SIM_ERRORS, 'RS_ERR_SIM_BAD_OPTION', `"${name}" must be a number: ${v}`, { name, value: v });
  return n;
}

function parseHidden(text: string): Array<[string, string]> {
  return text
    .split(',')
    .map((p) => p.trim())
    .filter((p) => p !== '')
    .map((p) => {
      const parts = p.split(':').map((x) => x.trim());
      if (parts.length !== 2 || parts[0] === '' || parts[1] === '') {
        throw makeError(SIM_ERRORS, 'RS_ERR_SIM_BAD_OPTION', `"hidden" must be pairs like A:C,B:D: ${text}`, { value: text });
      }
      return [parts[0]!, parts[1]!] as [string, string];
    });
}

/** Map CLI options (strings) to hub options. */
export function simHubOptionsFromCli(o: SimCliOptions): SimHubOptions {
  const radio: Partial<RadioParams> = {};
  const txDelayMs = num('txdelay', o.txdelay);
  const txTailMs = num('txtail', o.txtail);
  const persistence = num('persist', o.persist);
  const slotTimeMs = num('slottime', o.slottime);
  if (txDelayMs !== undefined) radio.txDelayMs = txDelayMs;
  if (txTailMs !== undefined) radio.txTailMs = txTailMs;
  if (persistence !== undefined) radio.persistence = persistence;
  if (slotTimeMs !== undefined) radio.slotTimeMs = slotTimeMs;
  const seedText = o.seed === undefined ? undefined : String(o.seed);
  const reportS = num('report-interval', o.reportInterval);
  return {
    stations: o.stations === undefined ? undefined : o.stations.split(',').map((s) => s.trim()).filter((s) => s !== ''),
    bitrate: num('bitrate', o.bitrate),
    loss: o.loss,
    ber: num('ber', o.ber),
    latencyMs: num('latency', o.latency),
    latencyJitterMs: num('jitter', o.jitter),
    duplicate: num('duplicate', o.duplicate),
    hidden: o.hidden === undefined ? undefined : parseHidden(o.hidden),
    seed: seedText === undefined ? undefined : /^\d+$/.test(seedText) ? Number(seedText) : seedText,
    basePort: num('base-port', o.basePort),
    ptyDir: o.pty === false ? false : o.ptyDir,
    radio,
    reportIntervalMs: reportS === undefined ? undefined : reportS * 1000,
    json: o.json ?? false,
  };
}

/** Run `radiosync sim` until SIGINT/SIGTERM; resolves with the exit code (0). Errors are thrown typed. */
export async function simMain(o: SimCliOptions): Promise<number> {
  const hub = await runSimHub(simHubOptionsFromCli(o));
  await hub.done;
  return 0;
}
