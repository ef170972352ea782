import type { StationAirStats } from './StationAirStats.js';

/** What `radiosync sim` reports, periodically and at exit (the `--json` shape). */
export interface SimHubReport {
  /** Milliseconds since the hub started. */
  elapsedMs: number;
  bitrate: number;
  stations: Array<StationAirStats & { name: string; host: string; port: number; ptyPath?: string; clients: number }>;
  totals: StationAirStats;
  /** Key-ups by a different station than the previous one (the channel changed hands). */
  turnarounds: number;
}

const COLUMNS = ['station', 'airtime s', 'key-ups', 'frames tx', 'bytes on air', 'collisions', 'rx ok', 'rx lost', 'clients'] as const;

/** The report as a text table, one line per station plus a total. */
export function formatHubReport(r: SimHubReport, label: string): string[] {
  const row = (name: string, s: StationAirStats, clients: number | string): string[] => [
    name,
    (s.airtimeMs / 1000).toFixed(1),
    String(s.keyUps),
    String(s.framesSent),
    String(s.bytesOnAir),
    String(s.collisions),
    String(s.framesDelivered),
    String(s.framesLost),
    String(clients),
  ];
  const rows = [...r.stations.map((s) => row(s.name, s, s.clients)), row('total', r.totals, '')];
  const widths = COLUMNS.map((c, i) => Math.max(c.length, ...rows.map((x) => x[i]!.length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!)))
      .join('  ')
      .trimEnd();
  const busy = r.elapsedMs > 0 ? (100 * r.totals.airtimeMs) / r.elapsedMs : 0;
  return [
    `-- ${label}: ${(r.elapsedMs / 1000).toFixed(1)} s at ${r.bitrate} bit/s, channel busy ${busy.toFixed(1)}%, ${r.turnarounds} turnaround(s)`,
    line(COLUMNS),
    ...rows.map(line),
  ];
}
