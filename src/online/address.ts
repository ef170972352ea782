/** Online addresses: `HOST:PORT`, `[v6]:PORT`. */
import { makeError } from '../errors/RadiosyncError.js';
import { ONLINE_ERRORS } from './errors.js';

/** The port `serve` listens on when none is given: 7373. */
export const DEFAULT_ONLINE_PORT = 7373;

export interface HostPort {
  host: string;
  port: number;
}

export function parseHostPort(text: string, defaultPort = DEFAULT_ONLINE_PORT): HostPort {
  const t = text.trim();
  const bad = () => makeError(ONLINE_ERRORS, 'RS_ERR_ONLINE_ADDRESS_INVALID', `not HOST:PORT: ${JSON.stringify(t)}`, { address: t });
  const m = /^\[([0-9a-fA-F:.]+)\](?::(\d+))?$/.exec(t) ?? /^([^:\s[\]]+)(?::(\d+))?$/.exec(t);
  if (!m) throw bad();
  const port = m[2] === undefined ? defaultPort : Number(m[2]);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw bad();
  return { host: m[1]!, port };
}
