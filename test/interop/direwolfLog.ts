/**
 * Reading Dire Wolf's console log. Dire Wolf prints each frame it transmits as
 *   [0L] N0AAA>N0BBB:info…
 * and each frame it decodes as
 *   N0AAA audio level = 50(26/24)   [NONE]   |||||||__
 *   [0.3] N0AAA>N0BBB:info…          ("[0]" or "[0.n]": channel 0, n = which decoder got it)
 * Pure: lines in, counts out.
 */

/** A frame line: channel, L for "transmitted by us" or .n for "decoded", then SRC>DST[,digis]:info. */
const FRAME_LINE = /^\[(\d+)(L|\.\d+)?\] ([A-Z0-9-]+\*?)>([A-Z0-9-]+)((?:,[A-Z0-9-]+\*?)*):(.*)$/;

export interface LogFrame {
  transmitted: boolean;
  source: string;
  destination: string;
  info: string;
}

export function parseFrameLine(line: string): LogFrame | null {
  const m = FRAME_LINE.exec(line);
  if (!m) return null;
  return { transmitted: m[2] === 'L', source: m[3]!.replace(/\*$/, ''), destination: m[4]!, info: m[6]! };
}

export interface LogSummary {
  transmitted: number;
  decoded: number;
  /**
   * Frames Dire Wolf decoded through FX.25. Its level line then has no "[NONE]"-style fix-up tag,
   * and the per-decoder column shows digits instead of "|":  "N0AAA audio level = 151(30/33)    _7013____"
   * (1200 AFSK: mark/space levels) or "… = 90(+138/-133)    82200022_" (9600: peak levels).
   */
  fx25Decodes: number;
  /** Transmitted connected-mode frames by type ("I", "RR", "SREJ", "SABME", "XID", …), from "(TYPE cmd|res". */
  txKinds: Record<string, number>;
}

/** The audio-level line of an FX.25 decode (see LogSummary.fx25Decodes). */
const FX25_LEVEL = /audio level = \d+\(\+?\d+\/-?\d+\)\s+[_0-9|]*[0-9][_0-9|]*\s*$/;

/** Connected-mode frame type as Dire Wolf prints it at the start of the info: "(I cmd, n(s)=0, …)". */
const KIND = /^\(([A-Z]+) (?:cmd|res)/;

export function summarizeLog(lines: readonly string[]): LogSummary {
  let transmitted = 0;
  let decoded = 0;
  let fx25Decodes = 0;
  const txKinds: Record<string, number> = {};
  for (const l of lines) {
    const f = parseFrameLine(l);
    if (f) {
      if (f.transmitted) {
        transmitted++;
        const k = KIND.exec(f.info);
        if (k) txKinds[k[1]!] = (txKinds[k[1]!] ?? 0) + 1;
      } else decoded++;
    }
    if (FX25_LEVEL.test(l)) fx25Decodes++;
  }
  return { transmitted, decoded, fx25Decodes, txKinds };
}

/** The decoded (not transmitted) frames in a log. */
export function decodedFrames(lines: readonly string[]): LogFrame[] {
  return lines.map(parseFrameLine).filter((f): f is LogFrame => f !== null && !f.transmitted);
}
