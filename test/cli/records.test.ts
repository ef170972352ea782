/**
 * `conflicts` (list, show, resolve) and `export --json` through the real binary
 * (dist/cli/main.js): a conflict resolved at A and bundled to B leaves B with the resolved value;
 * the JSON export selects by date, seq and table; bad arguments exit 64 with a stable code; the
 * bundle form of `export` is unchanged.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { spawnSync } from 'node:child_process';
import { BIN, radiosync } from './cliHarness.js';

/** The JSON a command prints (the harness caps output at spawnSync's default 1 MiB). */
function json<T>(args: string[]): T {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  assert.equal(r.status, 0, `${args.join(' ')}: ${r.stderr}`);
  return JSON.parse(r.stdout) as T;
}
import { copySampleDb, createEmptySampleDb, SAMPLE_TRAINING_SHELTER } from '../../src/demo/sampleData.js';

function twoStations(dir: string): void {
  copySampleDb(join(dir, 'a.sqlite'));
  createEmptySampleDb(join(dir, 'b.sqlite'));
  for (const [home, call, db] of [['A', 'N0AAA', 'a.sqlite'], ['B', 'N0BBB', 'b.sqlite']] as const) {
    const r = radiosync(['init', '--home', join(dir, home), '--callsign', call, '--db', join(dir, db), '--tables', 'shelter,person,supply_request']);
    assert.equal(r.code, 0, r.stderr);
  }
  const keyA = radiosync(['key', '--home', join(dir, 'A')]).stdout.trim();
  const keyB = radiosync(['key', '--home', join(dir, 'B')]).stdout.trim();
  assert.equal(radiosync(['peer', 'add', 'N0BBB', '--key', keyB, '--home', join(dir, 'A')]).code, 0);
  assert.equal(radiosync(['peer', 'add', 'N0AAA', '--key', keyA, '--home', join(dir, 'B')]).code, 0);
}

function bundle(dir: string, from: 'A' | 'B', to: 'A' | 'B'): void {
  const file = join(dir, `${from}-${to}-${Date.now()}.rsb`);
  const ex = radiosync(['export', '--home', join(dir, from), '--to', to === 'A' ? 'N0AAA' : 'N0BBB', '--out', file]);
  assert.equal(ex.code, 0, ex.stderr);
  const im = radiosync(['import', file, '--home', join(dir, to)]);
  assert.ok(im.code === 0 || im.code === 1, im.stderr);
}

function sql<T>(dir: string, db: string, q: string, ...args: unknown[]): T {
  const d = new Database(join(dir, db));
  try {
    return d.prepare(q).get(...args) as T;
  } finally {
    d.close();
  }
}

function run(dir: string, db: string, q: string, ...args: unknown[]): void {
  const d = new Database(join(dir, db));
  try {
    d.prepare(q).run(...args);
  } finally {
    d.close();
  }
}

test('conflicts: list, show, resolve --take-loser at A; bundled to B, B holds the resolved value', { timeout: 300_000 }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'radiosync-records-'));
  try {
    twoStations(dir);
    bundle(dir, 'A', 'B');
    const { uuid } = sql<{ uuid: string }>(dir, 'a.sqlite', 'SELECT uuid FROM person ORDER BY id LIMIT 1');
    run(dir, 'a.sqlite', `UPDATE person SET status = 'seen at A' WHERE uuid = ?`, uuid);
    run(dir, 'b.sqlite', `UPDATE person SET status = 'seen at B' WHERE uuid = ?`, uuid);
    bundle(dir, 'A', 'B');
    bundle(dir, 'B', 'A');

    const human = radiosync(['conflicts', '--home', join(dir, 'A')]);
    assert.equal(human.code, 0, human.stderr);
    assert.match(human.stdout, new RegExp(`^#\\d+ person ${uuid} status: kept "seen at [AB]" \\(N0[AB]{3} seq \\d+\\) over "seen at [AB]" .*; open$`, 'm'));
    const list = json(['conflicts', '--home', join(dir, 'A'), '--json']) as Array<{ n: number; id: string; field: string; loser: { value: string }; winner: { value: string }; state: string }>;
    assert.equal(list.length, 1);
    const c = list[0]!;
    assert.equal(c.id, uuid, 'the UUID as text');
    assert.equal(c.state, 'open');
    const shown = json(['conflicts', 'show', String(c.n), '--home', join(dir, 'A'), '--json']) as { current: string };
    assert.equal(shown.current, c.winner.value);

    const res = radiosync(['conflicts', 'resolve', String(c.n), '--take-loser', '--home', join(dir, 'A'), '--json']);
    assert.equal(res.code, 0, res.stderr);
    assert.equal((JSON.parse(res.stdout) as { value: string }).value, c.loser.value);
    assert.equal(sql<{ s: string }>(dir, 'a.sqlite', 'SELECT status AS s FROM person WHERE uuid = ?', uuid).s, c.loser.value);
    bundle(dir, 'A', 'B');
    assert.equal(sql<{ s: string }>(dir, 'b.sqlite', 'SELECT status AS s FROM person WHERE uuid = ?', uuid).s, c.loser.value, 'B holds the resolved value');
    const atB = JSON.parse(radiosync(['conflicts', '--home', join(dir, 'B'), '--json']).stdout) as Array<{ state: string }>;
    assert.deepEqual(atB.map((x) => x.state), ['resolved']);
    assert.equal(radiosync(['conflicts', '--open', '--home', join(dir, 'B')]).stdout.trim(), 'no conflicts');

    const missing = radiosync(['conflicts', 'show', '999', '--home', join(dir, 'A')]);
    assert.equal(missing.code, 66);
    assert.match(missing.stderr, /RS_ERR_STORE_CONFLICT_NOT_FOUND/);
    const badValue = radiosync(['conflicts', 'resolve', String(c.n), '--value', '{"x":1}', '--home', join(dir, 'A'), '--json']);
    assert.equal(badValue.code, 64);
    assert.equal((JSON.parse(badValue.stderr) as { error: { code: string } }).error.code, 'RS_ERR_STORE_CONFLICT_BAD_VALUE');
    assert.equal(radiosync(['conflicts', 'resolve', String(c.n), '--home', join(dir, 'A')]).code, 64, 'no choice given');
    assert.equal(radiosync(['conflicts', 'resolve', 'x', '--keep-winner', '--home', join(dir, 'A')]).code, 64, 'not an id');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('export --json: rows with UUIDs and deleted flags, by date, seq and table; bad arguments exit 64 with a code; the bundle form is unchanged', { timeout: 300_000 }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'radiosync-records-'));
  try {
    twoStations(dir);
    const A = join(dir, 'A');
    const all = json(['export', '--json', '--home', A]) as { format: string; changes: Array<{ table: string; id: string; seq: number; deleted: boolean; kind: string }> };
    assert.equal(all.format, 'radiosync-changes');
    assert.ok(all.changes.length > 4000);
    const last = all.changes[all.changes.length - 1]!.seq;
    const { uuid } = sql<{ uuid: string }>(dir, 'a.sqlite', 'SELECT uuid FROM person WHERE id NOT IN (SELECT requester_id FROM supply_request WHERE requester_id IS NOT NULL) ORDER BY id LIMIT 1');
    run(dir, 'a.sqlite', 'DELETE FROM person WHERE uuid = ?', uuid);
    run(dir, 'a.sqlite', `UPDATE shelter SET status = 'closed' WHERE id = (SELECT min(id) FROM shelter WHERE deleted = 0 AND uuid <> ?)`, SAMPLE_TRAINING_SHELTER);
    // capture happens on the next command that opens the store for writing: export --json captures too
    const out = join(dir, 'changes.json');
    const w = radiosync(['export', '--json', '--seq', `${last + 1}..`, '--out', out, '--home', A]);
    assert.equal(w.code, 0, w.stderr);
    assert.match(w.stdout, /wrote .*changes\.json: \d+ row change/);
    assert.ok(!existsSync(`${out}.part`));
    const doc = JSON.parse(readFileSync(out, 'utf8')) as typeof all & { range: { origin: string; fromSeq: number } };
    assert.equal(doc.range.origin, 'N0AAA');
    const del = doc.changes.find((c) => c.id === uuid);
    assert.ok(del, 'the delete is in the seq range');
    assert.equal(del.deleted, true);
    assert.equal(del.table, 'person');
    assert.ok(doc.changes.some((c) => c.table === 'shelter' && !c.deleted));
    const onlyShelter = JSON.parse(radiosync(['export', '--json', '--seq', `${last + 1}..`, '--tables', 'shelter', '--home', A]).stdout) as typeof all;
    assert.deepEqual([...new Set(onlyShelter.changes.map((c) => c.table))], ['shelter']);
    const future = JSON.parse(radiosync(['export', '--json', '--since', '2999-01-01', '--home', A]).stdout) as typeof all;
    assert.equal(future.changes.length, 0);
    const today = new Date().toISOString().slice(0, 10);
    const byDay = json(['export', '--json', '--since', today, '--until', today, '--home', A]) as typeof all;
    assert.equal(byDay.changes.length, all.changes.length + doc.changes.length, 'everything was stamped today');
    const bad = (args: string[], code: string): void => {
      const r = radiosync(['export', ...args, '--home', A, '--json']);
      assert.equal(r.code, 64, `${args.join(' ')}: ${r.stderr}`);
      assert.equal((JSON.parse(r.stderr) as { error: { code: string } }).error.code, code, args.join(' '));
    };
    bad(['--since', 'yesterday'], 'RS_ERR_STORE_EXPORT_BAD_DATE');
    bad(['--until', '2026-02-30'], 'RS_ERR_STORE_EXPORT_BAD_DATE');
    bad(['--since', '2026-12-02', '--until', '2026-12-01'], 'RS_ERR_STORE_EXPORT_BAD_RANGE');
    bad(['--seq', '9..3'], 'RS_ERR_STORE_EXPORT_BAD_RANGE');
    bad(['--seq', '0..3'], 'RS_ERR_STORE_EXPORT_BAD_RANGE');
    bad(['--seq', 'abc'], 'RS_ERR_STORE_EXPORT_BAD_RANGE');
    bad(['--tables', 'nosuch'], 'RS_ERR_STORE_EXPORT_UNKNOWN_TABLE');
    assert.equal(radiosync(['export', '--home', A]).code, 64, 'neither --to nor --json');
    assert.equal(radiosync(['export', '--to', 'N0BBB', '--out', join(dir, 'x.rsb'), '--since', '2026-01-01', '--home', A]).code, 64, 'a bundle takes no range');
    assert.equal(radiosync(['export', '--to', 'N0BBB', '--home', A]).code, 64, 'a bundle needs --out');

    const ex = radiosync(['export', '--to', 'N0BBB', '--out', join(dir, 'b.rsb'), '--home', A, '--json']);
    assert.equal(ex.code, 0, ex.stderr);
    assert.ok((JSON.parse(ex.stdout) as { rows: number }).rows > 4000, 'export --to … --json still writes a bundle and prints its summary');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
