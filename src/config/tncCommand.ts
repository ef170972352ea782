/**
 * TNC init/exit strings as written in the config, and the bytes sent to the serial port.
 *
 *   "KISS ON"          → 4B 49 53 53 20 4F 4E 0D   text, Latin-1, with a CR appended
 *   "hex:C0 FF C0"     → C0 FF C0                  raw bytes, spaces ignored, nothing appended
 *   "hex:03 03 03"     → 03 03 03                  (three Ctrl-C: back to a TNC's command prompt)
 */

/** Prefix that marks a raw-bytes command. */
export const HEX_COMMAND_PREFIX = 'hex:';
/** Carriage return appended to text commands: TNC command interpreters end a line on CR. */
export const COMMAND_TERMINATOR = 0x0d;
/** Longest single command, bytes: 256. */
export const MAX_TNC_COMMAND_BYTES = 256;

/** The bytes to send for one config string, or an error message describing why it is invalid. */
export function parseTncCommand(cmd: string): { ok: true; bytes: Uint8Array } | { ok: false; error: string } {
  if (cmd.startsWith(HEX_COMMAND_PREFIX)) {
    const hex = cmd.slice(HEX_COMMAND_PREFIX.length).replace(/[\s,]/g, '');
    if (hex.length === 0 || hex.length % 2 !== 0 || !/^[0-9A-Fa-f]+$/.test(hex)) {
      return { ok: false, error: `"${cmd}" is not "hex:" followed by pairs of hex digits, e.g. "hex:C0 FF C0"` };
    }
    if (hex.length / 2 > MAX_TNC_COMMAND_BYTES) return { ok: false, error: `"${cmd.slice(0, 20)}…" is longer than ${MAX_TNC_COMMAND_BYTES} bytes` };
    const out = new Uint8Array(hex.length / 2);
    for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.slice(2 * i, 2 * i + 2), 16);
    return { ok: true, bytes: out };
  }
  if (cmd.length + 1 > MAX_TNC_COMMAND_BYTES) return { ok: false, error: `"${cmd.slice(0, 20)}…" is longer than ${MAX_TNC_COMMAND_BYTES} bytes` };
  const out = new Uint8Array(cmd.length + 1);
  for (let i = 0; i < cmd.length; i++) {
    const c = cmd.charCodeAt(i);
    if (c > 0xff) return { ok: false, error: `"${cmd}" has a character outside Latin-1; use "hex:…" for raw bytes` };
    out[i] = c;
  }
  out[cmd.length] = COMMAND_TERMINATOR;
  return { ok: true, bytes: out };
}

/** The bytes to send for one config string; throws RangeError if invalid (config validation catches it first). */
export function encodeTncCommand(cmd: string): Uint8Array {
  const r = parseTncCommand(cmd);
  if (!r.ok) throw new RangeError(r.error);
  return r.bytes;
}
