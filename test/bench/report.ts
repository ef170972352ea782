/** What a benchmark returns: named tables of rows (printed as text tables, written as JSON). */
export interface BenchTable {
  title: string;
  columns: string[];
  rows: Array<Record<string, string | number>>;
  notes?: string[];
}

export interface BenchReport {
  tables: BenchTable[];
  /** Anything else worth keeping in the JSON. */
  extra?: Record<string, unknown>;
  /** Set when one benchmark has runs of several shapes: the JSON goes to `<name>-<variant>.json`. */
  variant?: string;
}

function fmt(v: string | number | undefined): string {
  if (v === undefined) return '';
  if (typeof v === 'number') {
    if (Number.isInteger(v)) return String(v);
    return Math.abs(v) >= 100 ? v.toFixed(1) : v.toFixed(3);
  }
  return v;
}

export function printReport(name: string, report: BenchReport): void {
  console.log(`== bench: ${name}`);
  for (const t of report.tables) {
    console.log(`\n${t.title}`);
    const cells = t.rows.map((r) => t.columns.map((c) => fmt(r[c])));
    const widths = t.columns.map((c, i) => Math.max(c.length, ...cells.map((row) => row[i]!.length)));
    const line = (vals: string[]) => vals.map((v, i) => v.padStart(widths[i]!)).join('  ');
    console.log(line(t.columns));
    console.log(widths.map((w) => '-'.repeat(w)).join('  '));
    for (const row of cells) console.log(line(row));
    for (const n of t.notes ?? []) console.log(`  note: ${n}`);
  }
  console.log('');
}
