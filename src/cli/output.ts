/**
 * How commands speak: human text on stdout, or one JSON document with --json; errors on stderr as
 * `radiosync: <message> [<code>]` (or JSON), and the exit code from the error's catalog.
 */
import { EXIT, RadiosyncError } from '../index.js';

export interface OutputOptions {
  json?: boolean;
}

export function printResult(opts: OutputOptions, human: string | string[], json: unknown): void {
  if (opts.json) process.stdout.write(JSON.stringify(json, jsonReplacer, 2) + '\n');
  else process.stdout.write((Array.isArray(human) ? human.join('\n') : human) + '\n');
}

export function jsonReplacer(_k: string, v: unknown): unknown {
  if (typeof v === 'bigint') return v.toString();
  if (v instanceof Uint8Array) return Buffer.from(v).toString('hex');
  return v;
}

/**
 * Say what a finished command's outcome means (src/sync/outcome.ts) and set the exit code: nothing
 * on stderr for success, one line `radiosync: <message> [<code>]` otherwise.
 */
export function reportOutcome(o: { exit: number; code?: string; message: string }, json: boolean): void {
  process.exitCode = o.exit;
  if (o.exit === EXIT.OK) return;
  if (json) process.stderr.write(JSON.stringify({ outcome: { code: o.code, message: o.message, exit: o.exit } }) + '\n');
  else process.stderr.write(`radiosync: ${o.message} [${o.code}]\n`);
}

/** Report an error and return the exit code to use. */
export function reportError(err: unknown, json: boolean): number {
  if (err instanceof RadiosyncError) {
    if (json) process.stderr.write(JSON.stringify({ error: err.toJSON() }, jsonReplacer) + '\n');
    else process.stderr.write(`radiosync: ${err.message} [${err.code}]\n`);
    return err.exit;
  }
  const e = err instanceof Error ? err : new Error(String(err));
  const sys = (err as { code?: unknown; path?: unknown } | null)?.code;
  if (sys === 'ENOENT' || sys === 'EACCES' || sys === 'EISDIR') {
    // a named input that does not exist or cannot be read: the user's mistake, not a bug
    const msg = `cannot read ${String((err as { path?: unknown }).path ?? '')}: ${e.message}`;
    if (json) process.stderr.write(JSON.stringify({ error: { code: 'RS_ERR_NO_INPUT', message: msg } }) + '\n');
    else process.stderr.write(`radiosync: ${msg}\n`);
    return EXIT.NO_INPUT;
  }
  if (json) process.stderr.write(JSON.stringify({ error: { code: 'RS_ERR_INTERNAL', message: e.message } }) + '\n');
  else process.stderr.write(`radiosync: internal error: ${e.stack ?? e.message}\n`);
  return EXIT.SOFTWARE;
}
