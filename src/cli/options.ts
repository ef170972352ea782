/** Option parsing shared by commands: fail at once and name the value (serialport's habit). */
import { InvalidArgumentError } from 'commander';

export const HOME_HELP = 'station directory (default $RADIOSYNC_HOME or ./.radiosync)';

export function defaultHome(): string {
  return process.env.RADIOSYNC_HOME ?? '.radiosync';
}

export function intArg(name: string, min: number, max: number): (v: string) => number {
  return (v: string) => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < min || n > max) throw new InvalidArgumentError(`"${name}" must be an integer ${min}..${max}: ${v}`);
    return n;
  };
}

export function numberArg(name: string, min: number, max: number): (v: string) => number {
  return (v: string) => {
    const n = Number(v);
    if (!Number.isFinite(n) || n < min || n > max) throw new InvalidArgumentError(`"${name}" must be a number ${min}..${max}: ${v}`);
    return n;
  };
}

export function callList(v: string): string[] {
  const calls = v.split(',').map((s) => s.trim().toUpperCase()).filter(Boolean);
  for (const c of calls) {
    if (!/^[A-Z0-9]{1,6}(-(\d|1[0-5]))?$/.test(c)) throw new InvalidArgumentError(`not a callsign (1-6 letters/digits, optional -SSID 0-15): ${c}`);
  }
  if (calls.length === 0) throw new InvalidArgumentError('give at least one callsign');
  return calls;
}

export function collectPairs(v: string, prev: Record<string, string> = {}): Record<string, string> {
  const i = v.indexOf('=');
  if (i <= 0) throw new InvalidArgumentError(`expected NAME=PATH: ${v}`);
  return { ...prev, [v.slice(0, i)]: v.slice(i + 1) };
}

export function hostPort(v: string): { host: string; port: number } {
  const m = /^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9_.-]+):(\d{1,5})$/.exec(v);
  const port = m ? Number(m[2]) : NaN;
  if (!m || port < 1 || port > 65535) throw new InvalidArgumentError(`expected HOST:PORT, e.g. 127.0.0.1:8001: ${v}`);
  return { host: m[1]!.replace(/^\[|\]$/g, ''), port };
}
