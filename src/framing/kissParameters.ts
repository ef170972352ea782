/**
 * Builders for KISS parameter command frames (host -> TNC). Encode them with `encodeKiss`.
 *
 *   FEND | port<<4|1 | TXDELAY/10ms | FEND      e.g. 300 ms on port 0: C0 01 1E C0
 *   FEND | port<<4|2 | P (0-255)    | FEND      e.g. P=63:             C0 02 3F C0
 *   FEND | port<<4|3 | slot/10ms    | FEND      e.g. 100 ms:           C0 03 0A C0
 *   FEND | port<<4|4 | TXtail/10ms  | FEND      e.g. 50 ms:            C0 04 05 C0
 *   FEND | port<<4|5 | 0 or 1       | FEND      half / full duplex
 *   FEND | port<<4|6 | bytes…       | FEND      SetHardware, vendor specific
 *   FEND | 0xFF                     | FEND      Return: leave KISS mode
 *
 * Times are given in milliseconds and rounded to the protocol's 10 ms unit.
 */
import { makeError } from '../errors/RadiosyncError.js';
import { FRAMING_ERRORS } from './errors.js';
import { KissCommand, type KissFrame } from './kiss.js';

/** KISS timing parameters count in units of 10 ms. */
export const KISS_TIME_UNIT_MS = 10;
/** A parameter is one byte. */
const MAX_PARAMETER = 255;

/** Channel-access parameters a host sets at open. Omitted ones are left as the TNC has them. */
export interface KissParameters {
  txDelayMs?: number;
  /** p-persistence 0-255; 63 (p = 0.25) is the usual value. */
  persistence?: number;
  slotTimeMs?: number;
  txTailMs?: number;
  fullDuplex?: boolean;
}

function byte(value: number, name: string): number {
  if (!Number.isFinite(value) || value < 0 || Math.round(value) > MAX_PARAMETER) {
    throw makeError(FRAMING_ERRORS, 'RS_ERR_KISS_BAD_ARGUMENT', `"${name}" must be 0-255 after conversion: ${value}`, { [name]: value });
  }
  return Math.round(value);
}

function param(command: number, value: number, port: number): KissFrame {
  return { port, command, data: Uint8Array.of(value) };
}

export function kissTxDelay(ms: number, port = 0): KissFrame {
  return param(KissCommand.TxDelay, byte(ms / KISS_TIME_UNIT_MS, 'txDelayMs/10'), port);
}
export function kissPersistence(p: number, port = 0): KissFrame {
  return param(KissCommand.Persistence, byte(p, 'persistence'), port);
}
export function kissSlotTime(ms: number, port = 0): KissFrame {
  return param(KissCommand.SlotTime, byte(ms / KISS_TIME_UNIT_MS, 'slotTimeMs/10'), port);
}
export function kissTxTail(ms: number, port = 0): KissFrame {
  return param(KissCommand.TxTail, byte(ms / KISS_TIME_UNIT_MS, 'txTailMs/10'), port);
}
export function kissFullDuplex(on: boolean, port = 0): KissFrame {
  return param(KissCommand.FullDuplex, on ? 1 : 0, port);
}
export function kissSetHardware(data: Uint8Array, port = 0): KissFrame {
  return { port, command: KissCommand.SetHardware, data: Uint8Array.from(data) };
}
export function kissReturn(): KissFrame {
  return { port: 0, command: KissCommand.Return, data: new Uint8Array(0) };
}

/** The parameter frames for `params`, in the order TXDELAY, P, SlotTime, TXtail, FullDuplex. */
export function kissParameterFrames(params: KissParameters, port = 0): KissFrame[] {
  const out: KissFrame[] = [];
  if (params.txDelayMs !== undefined) out.push(kissTxDelay(params.txDelayMs, port));
  if (params.persistence !== undefined) out.push(kissPersistence(params.persistence, port));
  if (params.slotTimeMs !== undefined) out.push(kissSlotTime(params.slotTimeMs, port));
  if (params.txTailMs !== undefined) out.push(kissTxTail(params.txTailMs, port));
  if (params.fullDuplex !== undefined) out.push(kissFullDuplex(params.fullDuplex, port));
  return out;
}
