/**
 * Real-time scenarios over the test channel, shared by the system tests and the real-time bench:
 * two station homes in a temp dir, the channel as its own process, the built CLI's `send` +
 * `receive`, `sync`, or two `daemon`s, then both stations' tables (by UUID) and folders (by path
 * and hash) read straight from their files.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ChannelStats } from '../channel/kissTcpChannel.js';
import { startChannel, type ChannelProcess } from './channelProcess.js';
import { setOnlineConfig } from '../sync/stations.js';
import { cli, cliOk, type CliResult } from './cli.js';
import { addWindow, folderByPath, makeStation, mapDiff, pair, reportRow, rng, sentence, tableByUuid, withAppDb, writeFile, REPORT, REPORT_TABLE, type AppTable, type Home, type ReportRow, type Row } from './stationHome.js';

export const A = 'N0HQ';
export const B = 'N0FLD';

export interface ChannelCase {
  bitrate: number;
  /** --loss spec: "0.1", "ge:…". */
  loss: string;
  seed: number;
  txdelayMs: number;
  /** TXDELAY the stations' config believes (default: the channel's). */
  stationTxdelayMs?: number;
  /** Session timeout given to the CLI, seconds. The harness kills it 30 s later. */
  timeoutS: number;
}

export interface Data {
  rows: number;
  /** File sizes in bytes, by path; contents are seeded text (compressible, like reports). */
  files: Record<string, number>;
  /** Incompressible files (photos, archives): sizes by path, seeded random bytes. */
  binaryFiles?: Record<string, number>;
  /** Another application table and its rows (default: `report` rows made from the case's seed). */
  table?: { table: AppTable; rows: () => Row[] };
}

export interface Outcome {
  runs: Record<string, CliResult>;
  /** Transfers still queued (not acknowledged) at each station after the run, from `status --json`. */
  queued: Record<string, unknown[]>;
  channel: ChannelStats;
  tableDiff: string[];
  folderDiff: string[];
  rowsA: number;
  rowsB: number;
  filesA: number;
  filesB: number;
  wallMs: number;
  dir: string;
}

export function fileText(r: () => number, bytes: number): string {
  let s = '';
  while (s.length < bytes) s += `${sentence(r, 12)}. ${Math.floor(r() * 1e6)}\n`;
  return s.slice(0, bytes);
}

function seededFiles(r: () => number, files: Record<string, number>, binary: Record<string, number> = {}): Record<string, string | Uint8Array> {
  return {
    ...Object.fromEntries(Object.entries(files).map(([p, n]) => [p, fileText(r, n)])),
    ...Object.fromEntries(Object.entries(binary).map(([p, n]) => [p, Uint8Array.from({ length: n }, () => Math.floor(r() * 256))])),
  };
}

function stationEnv(c: ChannelCase): Record<string, string> {
  return { RADIOSYNC_RADIO_TXDELAY_MS: String(c.stationTxdelayMs ?? c.txdelayMs), RADIOSYNC_RADIO_TXTAIL_MS: '50' };
}

function transport(ch: ChannelProcess, call: string, c: ChannelCase): string[] {
  return ['--kiss-tcp', ch.addr(call), '--bitrate', String(c.bitrate)];
}

/** Wait until the channel has seen a KISS client on each of these stations' ports. */
async function connected(ch: ChannelProcess, calls: string[], ms = 30_000): Promise<void> {
  const until = Date.now() + ms;
  for (;;) {
    const s = await ch.stats();
    if (calls.every((c) => (s.kiss[c]?.connections ?? 0) > 0)) return;
    if (Date.now() > until) throw new Error(`no KISS client connected for ${calls.join(',')}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

function compare(a: Home, b: Home): Pick<Outcome, 'tableDiff' | 'folderDiff' | 'rowsA' | 'rowsB' | 'filesA' | 'filesB'> {
  const ta = tableByUuid(a.db, a.table);
  const tb = tableByUuid(b.db, b.table);
  const fa = folderByPath(a.folder);
  const fb = folderByPath(b.folder);
  return { tableDiff: mapDiff(ta, tb), folderDiff: mapDiff(fa, fb), rowsA: ta.size, rowsB: tb.size, filesA: fa.size, filesB: fb.size };
}

interface Setup {
  dir: string;
  a: Home;
  b: Home;
  ch: ChannelProcess;
}

interface Side {
  rows: Row[];
  files: Record<string, string | Uint8Array>;
}

async function setup(c: ChannelCase, dataA: Side, dataB: Side, table: AppTable = REPORT): Promise<Setup> {
  const dir = mkdtempSync(join(tmpdir(), 'radiosync-rt-'));
  const env = stationEnv(c);
  const a = await makeStation(dir, A, table, dataA.rows, dataA.files, env);
  const b = await makeStation(dir, B, table, dataB.rows, dataB.files, env);
  await pair(a, b);
  const ch = await startChannel({ stations: [A, B], bitrate: c.bitrate, loss: c.loss, seed: c.seed, txdelayMs: c.txdelayMs });
  return { dir, a, b, ch };
}

/** The station's queue as `status --json` shows it (null if status itself failed). */
export async function queueOf(h: Home): Promise<unknown[] | null> {
  const r = await cli(['status', '--home', h.home, '--json'], { deadlineMs: 30_000 }).done;
  try {
    return (JSON.parse(r.stdout) as { queue: unknown[] }).queue;
  } catch {
    return null;
  }
}

async function finish(s: Setup, runs: Record<string, CliResult>, t0: number, keep: boolean): Promise<Outcome> {
  const channel = await s.ch.stop();
  const queued = { [A]: (await queueOf(s.a)) ?? ['status failed'], [B]: (await queueOf(s.b)) ?? ['status failed'] };
  const out: Outcome = { runs, queued, channel, ...compare(s.a, s.b), wallMs: Date.now() - t0, dir: s.dir };
  if (!keep) rmSync(s.dir, { recursive: true, force: true });
  else for (const [name, r] of Object.entries(runs)) writeFileSync(join(s.dir, `${name}.log`), `exit ${r.code ?? r.signal}\n--- stdout ---\n${r.stdout}\n--- stderr ---\n${r.stderr}`);
  return out;
}

const keepDirs = () => process.env.RADIOSYNC_RT_KEEP === '1';

/** A sends everything to B (`send`), B listens (`receive --once`). */
export async function sendReceive(c: ChannelCase, data: Data): Promise<Outcome> {
  const r = rng(c.seed * 7919 + 1);
  const rows = data.table ? data.table.rows() : Array.from({ length: data.rows }, () => reportRow(r, A));
  const s = await setup(c, { rows, files: seededFiles(r, data.files, data.binaryFiles) }, { rows: [], files: {} }, data.table?.table);
  const t0 = Date.now();
  try {
    const env = stationEnv(c);
    const deadlineMs = (c.timeoutS + 30) * 1000;
    const recv = cli(['receive', '--home', s.b.home, ...transport(s.ch, B, c), '--once', '--timeout', String(c.timeoutS), '--json', '--verbose'], { env, deadlineMs });
    await connected(s.ch, [B]);
    const send = cli(['send', '--home', s.a.home, '--to', B, ...transport(s.ch, A, c), '--timeout', String(c.timeoutS), '--json', '--verbose'], { env, deadlineMs });
    const runs = { send: await send.done, receive: await recv.done };
    return await finish(s, runs, t0, keepDirs());
  } catch (e) {
    await s.ch.stop().catch(() => undefined);
    throw e;
  }
}

/**
 * A shared base (carried by a bundle: `export` / `import --ack-out` / `import`), then edits on
 * both sides (updates, inserts, a delete, a file changed, a file added), then A runs `sync --with
 * B` while B runs `receive --once`.
 */
export async function syncBothWays(c: ChannelCase, data: Data, edits = 5): Promise<Outcome> {
  const r = rng(c.seed * 104729 + 3);
  const base = Array.from({ length: data.rows }, () => reportRow(r, A));
  const s = await setup(c, { rows: base, files: seededFiles(r, data.files, data.binaryFiles) }, { rows: [], files: {} });
  const t0 = Date.now();
  try {
    const env = stationEnv(c);
    const bundle = join(s.dir, 'base.rsb');
    const ack = join(s.dir, 'ack.rsb');
    await cliOk(['export', '--home', s.a.home, '--to', B, '--out', bundle], env);
    await cliOk(['import', bundle, '--home', s.b.home, '--ack-out', ack], env);
    await cliOk(['import', ack, '--home', s.a.home], env);
    const before = compare(s.a, s.b);
    if (before.tableDiff.length + before.folderDiff.length > 0) throw new Error(`the bundle did not make a common base: ${[...before.tableDiff, ...before.folderDiff].join('; ')}`);
    editSide(s.a, r, base, 0, edits, 'edit-hq');
    editSide(s.b, r, base, edits, edits, 'edit-fld');
    const deadlineMs = (c.timeoutS + 30) * 1000;
    const recv = cli(['receive', '--home', s.b.home, ...transport(s.ch, B, c), '--once', '--timeout', String(c.timeoutS), '--json', '--verbose'], { env, deadlineMs });
    await connected(s.ch, [B]);
    const sync = cli(['sync', '--home', s.a.home, '--with', B, ...transport(s.ch, A, c), '--timeout', String(c.timeoutS), '--json', '--verbose'], { env, deadlineMs });
    const runs = { sync: await sync.done, receive: await recv.done };
    return await finish(s, runs, t0, keepDirs());
  } catch (e) {
    await s.ch.stop().catch(() => undefined);
    throw e;
  }
}

/** `edits` changes on one side: updates of base rows [from, from+n), inserts, one delete, one file changed or added. */
function editSide(h: Home, r: () => number, base: ReportRow[], from: number, n: number, tag: string): void {
  withAppDb(h.db, (db) => {
    const upd = db.prepare(`UPDATE ${REPORT_TABLE} SET body = ?, qty = ? WHERE uuid = ?`);
    const ins = db.prepare(`INSERT INTO ${REPORT_TABLE} (uuid, title, body, qty, lat, updated_at) VALUES (@uuid, @title, @body, @qty, @lat, @updated_at)`);
    const updates = Math.ceil(n / 2);
    for (let i = 0; i < updates; i++) upd.run(`${tag}: ${sentence(r, 6)}`, Math.floor(r() * 1000), base[(from + i) % base.length]!.uuid);
    for (let i = updates; i < n - 1; i++) ins.run(reportRow(r, tag));
    db.prepare(`DELETE FROM ${REPORT_TABLE} WHERE uuid = ?`).run(base[(from + n - 1) % base.length]!.uuid);
  });
  writeFile(h.folder, `${tag}.txt`, fileText(r, 600));
}

/**
 * Both stations run `daemon` with a transmit window (default `* * * * *` for 0.75 min: 45 s
 * of every minute), each with its own new rows and files; the run ends when both sides hold the same
 * tables and folders (then SIGTERM) or at the timeout.
 */
export async function daemons(c: ChannelCase, data: Data, window: { cron: string; durationMin: number } = { cron: '* * * * *', durationMin: 0.75 }): Promise<Outcome & { converged: boolean; convergedMs: number }> {
  const r = rng(c.seed * 15485863 + 5);
  const rowsA = Array.from({ length: data.rows }, () => reportRow(r, A));
  const rowsB = Array.from({ length: Math.max(1, Math.floor(data.rows / 4)) }, () => reportRow(r, B));
  const s = await setup(c, { rows: rowsA, files: seededFiles(r, data.files, data.binaryFiles) }, { rows: rowsB, files: { 'field-log.txt': fileText(r, 800) } });
  const t0 = Date.now();
  try {
    const env = stationEnv(c);
    addWindow(s.a, window.cron, window.durationMin);
    addWindow(s.b, window.cron, window.durationMin);
    const deadlineMs = (c.timeoutS + 30) * 1000;
    const da = cli(['daemon', '--home', s.a.home, ...transport(s.ch, A, c), '--json'], { env, deadlineMs });
    const db = cli(['daemon', '--home', s.b.home, ...transport(s.ch, B, c), '--json'], { env, deadlineMs });
    let converged = false;
    let convergedMs = -1;
    const until = Date.now() + c.timeoutS * 1000;
    while (Date.now() < until) {
      await new Promise((res) => setTimeout(res, 2000));
      const now = compare(s.a, s.b);
      if (now.tableDiff.length === 0 && now.folderDiff.length === 0 && (await queueOf(s.a))?.length === 0 && (await queueOf(s.b))?.length === 0) {
        converged = true;
        convergedMs = Date.now() - t0;
        break;
      }
    }
    da.child.kill('SIGTERM');
    db.child.kill('SIGTERM');
    const runs = { daemonA: await da.done, daemonB: await db.done };
    return { ...(await finish(s, runs, t0, keepDirs())), converged, convergedMs };
  } catch (e) {
    await s.ch.stop().catch(() => undefined);
    throw e;
  }
}

/** A free TCP port on loopback (listened on and closed: a small race, fine for tests). */
async function freePort(): Promise<number> {
  const { createServer } = await import('node:net');
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as { port: number }).port;
  await new Promise((r) => s.close(r));
  return port;
}


export interface DaemonLine {
  /** Date.now() when the test read the line. */
  at: number;
  station: string;
  kind: string;
  peer?: string;
  detail?: string;
  rows?: number;
}

export interface FailoverOutcome extends Outcome {
  converged: boolean;
  /** From the cut to both stations identical with empty queues (-1: never). */
  convergedMs: number;
  /** From the cut to A's online attempt given up (its `online-failed`). */
  failedMs: number;
  /** From the cut to A's radio queueing for B: the failover. */
  failoverMs: number;
  /** From the cut to B's radio queueing for A (B served the session that was cut). */
  failoverBackMs: number;
  /** Changesets A's radio queued for B before the cut (online first: 0). */
  radioBeforeCut: number;
  /** Bytes A had sent online when the cut came. */
  onlineBytes: number;
  events: DaemonLine[];
}

/**
 * Both stations run `daemon` with a radio (the real-time channel, no windows: any time) and online:
 * B listens, A reaches it through a tap. A's online session is cut mid-changeset, after `cutAfter`
 * bytes from A: `close` (both sockets closed, as when the peer's process dies) or `silent` (nothing
 * forwarded any more, nothing closed: a cable pulled). The radio must take over (each station
 * queues for the other once its end of the session failed) and the stations converge over it.
 */
export async function failover(c: ChannelCase, data: Data, mode: 'close' | 'silent', cutAfter = 4096): Promise<FailoverOutcome> {
  const { tcpTap } = await import('../online/tap.js');
  const r = rng(c.seed * 7717 + 11);
  const rowsA = Array.from({ length: data.rows }, () => reportRow(r, A));
  const rowsB = Array.from({ length: Math.max(1, Math.floor(data.rows / 4)) }, () => reportRow(r, B));
  const s = await setup(c, { rows: rowsA, files: seededFiles(r, data.files, data.binaryFiles) }, { rows: rowsB, files: { 'field-log.txt': fileText(r, 800) } });
  const t0 = Date.now();
  const portB = await freePort();
  const tap = await tcpTap(portB, { cutAfter, mode });
  try {
    setOnlineConfig(s.b.home, `listen = "127.0.0.1:${portB}"`);
    setOnlineConfig(s.a.home, `retry_s = 3600\npeers = { "${B}" = "127.0.0.1:${tap.port}" }`);
    const env = stationEnv(c);
    const deadlineMs = (c.timeoutS + 30) * 1000;
    const events: DaemonLine[] = [];
    const watch = (station: string, run: ReturnType<typeof cli>) => {
      let buf = '';
      run.child.stdout!.on('data', (d: Buffer) => {
        buf += d.toString();
        for (let i = buf.indexOf('\n'); i >= 0; i = buf.indexOf('\n')) {
          const line = buf.slice(0, i);
          buf = buf.slice(i + 1);
          try {
            events.push({ ...(JSON.parse(line) as { kind: string }), at: Date.now(), station });
          } catch {
            // not an event line
          }
        }
      });
      return run;
    };
    const db = watch(B, cli(['daemon', '--home', s.b.home, ...transport(s.ch, B, c), '--json'], { env, deadlineMs }));
    const listening = Date.now() + 30_000;
    while (!events.some((e) => e.station === B && e.kind === 'listening') && Date.now() < listening) await new Promise((res) => setTimeout(res, 50));
    const da = watch(A, cli(['daemon', '--home', s.a.home, ...transport(s.ch, A, c), '--json'], { env, deadlineMs }));
    let converged = false;
    let convergedAt = -1;
    const until = Date.now() + c.timeoutS * 1000;
    while (Date.now() < until) {
      await new Promise((res) => setTimeout(res, 1000));
      if (!tap.isCut) {
        if (events.some((e) => e.station === A && e.kind === 'online')) break; // finished before the cut: nothing to fail over
        continue;
      }
      const now = compare(s.a, s.b);
      if (now.tableDiff.length === 0 && now.folderDiff.length === 0 && (await queueOf(s.a))?.length === 0 && (await queueOf(s.b))?.length === 0) {
        converged = true;
        convergedAt = Date.now();
        break;
      }
    }
    da.child.kill('SIGTERM');
    db.child.kill('SIGTERM');
    const runs = { daemonA: await da.done, daemonB: await db.done };
    const cut = tap.cutAt ?? NaN;
    const after = (station: string, kind: string, peer: string) => events.find((e) => e.station === station && e.kind === kind && e.peer === peer && e.at >= cut)?.at ?? NaN;
    return {
      ...(await finish(s, runs, t0, keepDirs())),
      converged,
      convergedMs: converged ? convergedAt - cut : -1,
      failedMs: after(A, 'online-failed', B) - cut,
      failoverMs: after(A, 'queued', B) - cut,
      failoverBackMs: after(B, 'queued', A) - cut,
      radioBeforeCut: events.filter((e) => e.station === A && e.kind === 'queued' && e.at < cut).length,
      onlineBytes: tap.bytes.up,
      events,
    };
  } catch (e) {
    await s.ch.stop().catch(() => undefined);
    throw e;
  } finally {
    await tap.close();
  }
}
