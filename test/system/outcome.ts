/**
 * What the system tests assert about a run, and a one-line account of it for failure messages
 * and for the results log (RADIOSYNC_RT_RESULTS=FILE appends one JSON line per case).
 */
import assert from 'node:assert/strict';
import { appendFileSync } from 'node:fs';
import { errorCode, type CliResult } from './cli.js';
import type { Outcome } from './scenarios.js';

function json(r: CliResult): Record<string, unknown> | undefined {
  try {
    return JSON.parse(r.stdout) as Record<string, unknown>;
  } catch {
    return undefined;
  }
}

export function runSummary(name: string, r: CliResult): string {
  const j = json(r);
  const link = j?.link as { framesSent?: number; keyUps?: number; acksReceived?: number; pollsSent?: number } | undefined;
  const code = errorCode(r);
  const parts = [`${name} exit=${r.code ?? r.signal}${r.killed ? ' (killed at deadline)' : ''}${code ? ` ${code}` : ''} ${(r.ms / 1000).toFixed(1)}s`];
  if (link) parts.push(`frames=${link.framesSent} keyups=${link.keyUps} acksRx=${link.acksReceived} polls=${link.pollsSent}`);
  if (code) {
    const line = r.stderr.split('\n').find((l) => l.includes(code)) ?? '';
    parts.push(`"${line.replace(/^radiosync: /, '').slice(0, 160)}"`);
  }
  return parts.join(' ');
}

export function summarize(o: Outcome): string {
  const air = Object.entries(o.channel.stations)
    .map(([s, st]) => `${s}: ${st.sent} frames/${st.keyUps} key-ups sent, ${st.received} heard, ${st.lost} lost, ${st.discarded} discarded`)
    .join('; ');
  return [
    ...Object.entries(o.runs).map(([k, r]) => runSummary(k, r)),
    `air ${(o.channel.busyMs / 1000).toFixed(1)}s busy, ${o.channel.bytesOnAir} B; ${air}`,
    `still queued: ${Object.entries(o.queued).map(([k, q]) => `${k} ${q.length}`).join(', ')}`,
    `rows HQ=${o.rowsA} FLD=${o.rowsB}, files HQ=${o.filesA} FLD=${o.filesB}; table diff: ${o.tableDiff.join(', ') || 'none'}; folder diff: ${o.folderDiff.join(', ') || 'none'}`,
  ].join('\n  ');
}

export function record(name: string, o: Outcome, pass: boolean): void {
  const file = process.env.RADIOSYNC_RT_RESULTS;
  if (!file) return;
  const runs = Object.fromEntries(Object.entries(o.runs).map(([k, r]) => [k, { code: r.code, signal: r.signal, killed: r.killed, error: errorCode(r) ?? null, ms: r.ms, link: (json(r)?.link as unknown) ?? null, sent: (json(r)?.sent as unknown) ?? null, stderrTail: r.stderr.slice(-600) }]));
  const { keyUpLog: _log, ...channel } = o.channel;
  appendFileSync(file, `${JSON.stringify({ name, pass, runs, channel, queued: o.queued, rowsA: o.rowsA, rowsB: o.rowsB, filesA: o.filesA, filesB: o.filesB, tableDiff: o.tableDiff, folderDiff: o.folderDiff, wallMs: o.wallMs, summary: summarize(o) })}\n`);
}

/**
 * The run's verdict: every process exited 0 (none killed), both stations hold the same rows (by
 * UUID) and files (by path and hash), the expected numbers of them, and neither station still
 * holds a transfer it believes undelivered (`status`: empty queue). Exit 0 means the data is
 * where the user thinks it is, at both ends.
 */
export function assertDelivered(name: string, o: Outcome, expect: { rows: number; files: number }): void {
  let pass = false;
  try {
    const msg = `${name}\n  ${summarize(o)}`;
    for (const [k, r] of Object.entries(o.runs)) assert.equal(r.code, 0, `${k} did not exit 0\n  ${msg}\n--- ${k} stderr (tail) ---\n${r.stderr.slice(-1500)}`);
    assert.deepEqual(o.tableDiff, [], `tables differ\n  ${msg}`);
    assert.deepEqual(o.folderDiff, [], `folders differ\n  ${msg}`);
    assert.equal(o.rowsB, expect.rows, `row count\n  ${msg}`);
    assert.equal(o.filesB, expect.files, `file count\n  ${msg}`);
    for (const [k, q] of Object.entries(o.queued)) assert.deepEqual(q, [], `${k} still has queued transfers after exit 0\n  ${msg}`);
    pass = true;
  } finally {
    record(name, o, pass);
  }
}
