/**
 * Every documented exit code, through the real binary (dist/cli/main.js): 0 delivered, applied and
 * in sync; 1 partly delivered; 3 nothing applied; 66 missing input; 69 the peer did not answer.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { radiosync, radiosyncAsync, startSim } from './cliHarness.js';
import { copySampleDb, createEmptySampleDb } from '../../src/demo/sampleData.js';

const TABLES = 'shelter,person,supply_request';

function stations(dir: string, opts: { trustEachOther?: boolean; folderA?: string } = {}): void {
  copySampleDb(join(dir, 'a.sqlite'));
  createEmptySampleDb(join(dir, 'b.sqlite'));
  for (const [home, call, db] of [['A', 'N0AAA', 'a.sqlite'], ['B', 'N0BBB', 'b.sqlite']] as const) {
    const extra = home === 'A' && opts.folderA ? ['--folder', `docs=${opts.folderA}`] : [];
    const r = radiosync(['init', '--home', join(dir, home), '--callsign', call, '--db', join(dir, db), '--tables', TABLES, ...extra]);
    assert.equal(r.code, 0, r.stderr);
  }
  const keyA = radiosync(['key', '--home', join(dir, 'A')]).stdout.trim();
  const keyB = radiosync(['key', '--home', join(dir, 'B')]).stdout.trim();
  assert.equal(radiosync(['peer', 'add', 'N0BBB', '--key', keyB, '--home', join(dir, 'A')]).code, 0);
  if (opts.trustEachOther !== false) assert.equal(radiosync(['peer', 'add', 'N0AAA', '--key', keyA, '--home', join(dir, 'B')]).code, 0);
}

function withDir(body: (dir: string) => void | Promise<void>): () => Promise<void> {
  return async () => {
    const dir = mkdtempSync(join(tmpdir(), 'radiosync-exit-'));
    try {
      await body(dir);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };
}

test('exit 0: import applied everything the bundle carried and this station now holds all the sender held', withDir((dir) => {
  stations(dir);
  const out = join(dir, 'b.rsb');
  assert.equal(radiosync(['export', '--home', join(dir, 'A'), '--to', 'N0BBB', '--out', out]).code, 0);
  const im = radiosync(['import', out, '--home', join(dir, 'B'), '--json']);
  assert.equal(im.code, 0, im.stderr);
  const r = JSON.parse(im.stdout) as { verdict: { state: string }; holdsAllOfSender: boolean };
  assert.equal(r.verdict.state, 'in sync');
  assert.equal(r.holdsAllOfSender, true);
}));

test('exit 1: partly delivered (part 1 of a split export), and the output says what remains', withDir((dir) => {
  stations(dir);
  const toml = join(dir, 'A', 'radiosync.toml');
  const text = readFileSync(toml, 'utf8');
  assert.match(text, /^#? ?rows_per_changeset = .*$/m);
  writeFileSync(toml, text.replace(/^#? ?rows_per_changeset = .*$/m, 'rows_per_changeset = 400'));
  const ex = radiosync(['export', '--home', join(dir, 'A'), '--to', 'N0BBB', '--out', join(dir, 'b.rsb'), '--max-bytes', '65536', '--json']);
  assert.equal(ex.code, 0, ex.stderr);
  const files = (JSON.parse(ex.stdout) as { files: string[] }).files;
  assert.ok(files.length >= 2, `${files.length} parts`);
  assert.match(files[0]!, /b\.1-of-\d+\.rsb$/);
  const im = radiosync(['import', files[0]!, '--home', join(dir, 'B')]);
  assert.equal(im.code, 1, im.stderr);
  assert.match(im.stderr, /partly delivered: part 1 of \d+; \d+ part\(s\) of this export not imported yet \[RS_ERR_SYNC_INCOMPLETE\]/);
  assert.match(im.stdout, /N0AAA: differs: \d+ rows, 0 files/);
  let last;
  for (const f of files.slice(1)) last = radiosync(['import', f, '--home', join(dir, 'B')]);
  assert.equal(last!.code, 0, last!.stderr);
  assert.match(last!.stdout, /N0AAA: in sync/);
}));

test('exit 3: nothing applied, the signer is unknown here', withDir((dir) => {
  stations(dir, { trustEachOther: false });
  const out = join(dir, 'b.rsb');
  assert.equal(radiosync(['export', '--home', join(dir, 'A'), '--to', 'N0BBB', '--out', out]).code, 0);
  const im = radiosync(['import', out, '--home', join(dir, 'B')]);
  assert.equal(im.code, 3, im.stderr);
  assert.match(im.stderr, /nothing applied: .*RS_ERR_AUTH_UNKNOWN_SIGNER.*\[RS_ERR_SYNC_NOTHING_APPLIED\]/);
}));

test('exit 3: nothing applied, the bundle is for another station', withDir((dir) => {
  stations(dir);
  // C trusts A, but the bundle is addressed to B
  createEmptySampleDb(join(dir, 'c.sqlite'));
  assert.equal(radiosync(['init', '--home', join(dir, 'C'), '--callsign', 'N0CCC', '--db', join(dir, 'c.sqlite'), '--tables', TABLES]).code, 0);
  const keyA = radiosync(['key', '--home', join(dir, 'A')]).stdout.trim();
  assert.equal(radiosync(['peer', 'add', 'N0AAA', '--key', keyA, '--home', join(dir, 'C')]).code, 0);
  const out = join(dir, 'b.rsb');
  assert.equal(radiosync(['export', '--home', join(dir, 'A'), '--to', 'N0BBB', '--out', out]).code, 0);
  const im = radiosync(['import', out, '--home', join(dir, 'C')]);
  assert.equal(im.code, 3, im.stderr);
  assert.match(im.stderr, /RS_ERR_SYNC_NOT_ADDRESSED/);
}));

test('exit 66: a missing input file, a clear message and no stack trace', withDir((dir) => {
  stations(dir);
  const im = radiosync(['import', join(dir, 'nope.rsb'), '--home', join(dir, 'B')]);
  assert.equal(im.code, 66, im.stderr);
  assert.match(im.stderr, /cannot read .*nope\.rsb: no such file \[RS_ERR_BUNDLE_NOT_FOUND\]/);
  assert.doesNotMatch(im.stderr, /internal error|\n\s+at /);
}));

test('exit 69: the peer did not answer (sync through a channel where nobody listens)', { timeout: 60_000 }, withDir(async (dir) => {
  stations(dir);
  const sim = await startSim(['--stations', 'N0AAA', '--bitrate', '9600', '--no-pty']);
  try {
    const r = radiosync(['sync', '--home', join(dir, 'A'), '--with', 'N0BBB', '--kiss-tcp', `127.0.0.1:${sim.stations[0]!.port}`, '--bitrate', '9600', '--timeout', '3']);
    assert.equal(r.code, 69, r.stderr);
    assert.match(r.stderr, /RS_ERR_SYNC_(NO_ANSWER|PEER_SILENT)/);
  } finally {
    await sim.stop();
  }
}));

test('figures: diff counts file bytes in its headline; peers counts syncs on the sending side; the daemon logs to a rotated file in its home', { timeout: 60_000 }, withDir(async (dir) => {
  const folder = join(dir, 'docs');
  mkdirSync(folder);
  stations(dir, { folderA: folder });
  writeFileSync(join(folder, 'map.bin'), randomBytes(300_000));
  const d = radiosync(['diff', '--home', join(dir, 'A'), '--to', 'N0BBB']);
  assert.equal(d.code, 0, d.stderr);
  const m = /(\d+) bytes of file content/.exec(d.stdout.split('\n')[0]!);
  assert.ok(m && Number(m[1]) >= 300_000, `headline: ${d.stdout.split('\n')[0]}`);
  assert.match(d.stdout, /N0BBB: unknown \(no digest from this peer yet\)/);
  // a bundle round trip: A's SYNCS column for B moves when B's receipt comes back
  const out = join(dir, 'b.rsb');
  const ack = join(dir, 'a.rsb');
  assert.equal(radiosync(['export', '--home', join(dir, 'A'), '--to', 'N0BBB', '--out', out]).code, 0);
  radiosync(['import', out, '--home', join(dir, 'B'), '--ack-out', ack]);
  assert.equal(radiosync(['import', ack, '--home', join(dir, 'A')]).code, 0);
  const peers = JSON.parse(radiosync(['peers', '--home', join(dir, 'A'), '--json']).stdout) as Array<{ callsign: string; syncCount: number }>;
  assert.ok(peers.find((p) => p.callsign === 'N0BBB')!.syncCount >= 1, 'SYNCS on the sending side');
  // the daemon's log file
  const sim = await startSim(['--stations', 'N0AAA', '--bitrate', '9600', '--no-pty']);
  try {
    const dmn = radiosyncAsync(['daemon', '--home', join(dir, 'A'), '--kiss-tcp', `127.0.0.1:${sim.stations[0]!.port}`, '--bitrate', '9600']);
    await new Promise((r) => setTimeout(r, 3000));
    dmn.child.kill('SIGTERM');
    const res = await dmn.done;
    assert.equal(res.code, 0, res.stderr);
    const logs = join(dir, 'A', 'logs');
    assert.ok(existsSync(logs), 'a logs directory in the home');
    const files = readdirSync(logs).filter((f) => /^radiosync\.\d+\.log$/.test(f));
    assert.ok(files.length >= 1, `log files: ${readdirSync(logs).join(', ')}`);
    const text = files.map((f) => readFileSync(join(logs, f), 'utf8')).join('');
    assert.match(text, /"msg":"daemon starting"/);
    assert.match(text, /"msg":"daemon stopped"/);
  } finally {
    await sim.stop();
  }
}));

test('64: a command line radiosync does not understand gets one line in its own form, with a stable code (JSON with --json)', () => {
  for (const args of [['sync'], ['frobnicate'], ['peer', 'add'], ['send', '--to', 'N0AAA', '--bogus']]) {
    const r = radiosync(args);
    assert.equal(r.code, 64, args.join(' '));
    assert.match(r.stderr.split('\n')[0]!, /^radiosync: .+ \[RS_ERR_USAGE\]$/, r.stderr);
  }
  const j = radiosync(['sync', '--json']);
  assert.equal(j.code, 64);
  const e = JSON.parse(j.stderr.trim()) as { error: { code: string; message: string; exit: number } };
  assert.deepEqual([e.error.code, e.error.exit], ['RS_ERR_USAGE', 64]);
  assert.match(e.error.message, /--with/);
});

test('online sync through the real binary: 66 for a station that is not a known peer (before connecting), 1 with RS_ERR_ONLINE_TIMEOUT when --timeout passes against a silent server', { timeout: 60_000 }, withDir(async (dir) => {
  stations(dir);
  const unknown = radiosync(['sync', '--home', join(dir, 'A'), '--with', 'N0XYZ', '--tcp', '127.0.0.1:1']);
  assert.equal(unknown.code, 66, unknown.stderr);
  assert.match(unknown.stderr, /RS_ERR_PEER_UNKNOWN/);
  const { createServer } = await import('node:net');
  const socks: import('node:net').Socket[] = [];
  const silent = createServer((s) => void socks.push(s)); // accepts, never answers
  await new Promise<void>((r) => silent.listen(0, '127.0.0.1', () => r()));
  try {
    const port = (silent.address() as { port: number }).port;
    const t0 = Date.now();
    const r = await radiosyncAsync(['sync', '--home', join(dir, 'A'), '--with', 'N0BBB', '--tcp', `127.0.0.1:${port}`, '--timeout', '2']).done;
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /RS_ERR_ONLINE_TIMEOUT/);
    assert.ok(Date.now() - t0 < 10_000, `${Date.now() - t0} ms`);
  } finally {
    for (const s of socks) s.destroy();
    await new Promise<void>((r) => silent.close(() => r()));
  }
}));
