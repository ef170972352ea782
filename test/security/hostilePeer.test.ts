/**
 * Issue 18: a trusted peer cannot break a station. Each test has the hostile peer N0BAD (real key)
 * send crafted changesets through the real `radiosync import` (dist/cli/main.js); the victim must
 * stay correct, keep syncing with an honest peer, and pass PRAGMA integrity_check. Attacks are
 * sent in changeset format 1 (what the old code read, so each test fails there) and, where origin
 * signatures matter, in format 2 with N0BAD's own origin signature. Case 8 (a full disk) needs
 * `unshare` for its tmpfs and lives in test/interop/hostileDiskFull.test.ts.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync, mkdirSync, existsSync } from 'node:fs';
import { decodeBundle, encodeBundle } from '../../src/bundle/bundle.js';
import { tmpdir } from 'node:os';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import type { RowChange } from '../../src/changeset/Changeset.js';
import { CALLS, randomExportId, assertHealthy, importCrafted, changesetOf, cli, craft, exportTo, hlcAt, importInto, makeRig, newId, person, query, row, sql, tempFiles, type Rig } from './hostilePeer.js';

function withRig(name: string, fn: (rig: Rig) => void | Promise<void>, timeout = 240_000): void {
  test(name, { timeout }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'radiosync-hostile-'));
    try {
      await fn(makeRig(dir));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
}

const upsert = (origin: string, seq: number, id: Uint8Array, fields: RowChange['fields'], hlc = hlcAt(Date.now())): RowChange => ({
  table: 'person', id, origin, seq, hlc, kind: 'upsert', fields,
});

withRig('1. a clock stamp of 2^63−1 is refused at decode; the station keeps importing, editing and exporting', (rig) => {
  const { uuid, id } = newId();
  const big = craft(rig, [upsert(CALLS.bad, 1, id, person('Overflow'), 1n)], {
    format: 1,
    tree: (t) => {
      const rows = t[6] as unknown[];
      rows[4] = 2 ** 47 - 1; // hlcMs: (2^63 − 1) >> 16
      rows[5] = 0xffff;
    },
  });
  const r = importCrafted(rig, big);
  assert.notEqual(r.code, 70, r.stderr);
  sql(rig.db.victim, 'UPDATE person SET age = 44 WHERE uuid = ?', uuid); // a later local edit of that row
  assertHealthy(rig);
  assert.equal(row(rig.db.victim, uuid), undefined, 'the row with the overflowing stamp was not applied');
  assert.match(r.stdout, /RS_ERR_CHANGESET_CORRUPT/);
});

withRig('2. seq squatting: forged N0CCC seqs 1–3 are refused; N0CCC\'s four real changes all apply', (rig) => {
  const forged = [1, 2, 3].map((s) => upsert(CALLS.third, s, newId().id, person(`Forged${s}`)));
  for (const format of [1, 2] as const) {
    const r = importCrafted(rig, craft(rig, forged, { format, keepHeads: false }));
    assert.notEqual(r.code, 70, r.stderr);
    assert.equal((JSON.parse(r.stdout) as { rowsApplied: number }).rowsApplied, 0);
  }
  const real = [1, 2, 3, 4].map((i) => {
    const { uuid } = newId();
    sql(rig.db.third, 'INSERT INTO person(uuid, first_name, last_name, age, status) VALUES (?, ?, ?, ?, ?)', uuid, `Real${i}`, 'C', 20 + i, 'ok');
    return uuid;
  });
  assert.equal(importInto(rig, 'victim', exportTo(rig, 'third', 'victim')).code, 0);
  for (const [i, uuid] of real.entries()) assert.equal(row(rig.db.victim, uuid)?.['first_name'], `Real${i + 1}`);
  assert.equal(query(rig.db.victim, "SELECT 1 FROM person WHERE first_name LIKE 'Forged%'").length, 0);
  const status = JSON.parse(cli(rig, 'victim', ['status', '--json']).stdout) as { records: { refused: Array<{ origin: string; code: string }> } };
  assert.ok(status.records.refused.some((x) => x.origin === CALLS.third && x.code === 'RS_ERR_STORE_ORIGIN_UNSIGNED'), 'status shows the refusal');
  assertHealthy(rig);
});

withRig('3. a forged change carrying the victim\'s own origin is refused; its outbound sync keeps working', (rig) => {
  for (const seq of [2 ** 53 - 1, 7]) {
    const r = importCrafted(rig, craft(rig, [upsert(CALLS.victim, 7, newId().id, person('Me?'))], { format: 1, keepHeads: false, tree: (t) => ((t[6] as unknown[])[3] = seq) }));
    assert.notEqual(r.code, 70, r.stderr);
  }
  sql(rig.db.victim, 'INSERT INTO person(uuid, first_name, last_name, age, status) VALUES (?, ?, ?, ?, ?)', newId().uuid, 'Local', 'Edit', 1, 'ok');
  assert.equal(cli(rig, 'victim', ['export', '--to', CALLS.honest, '--out', join(rig.dir, 'after-own.rsb')]).code, 0, 'the next local edit still exports');
  const r2 = importCrafted(rig, craft(rig, [upsert(CALLS.victim, 3, newId().id, person('Me?'))], { format: 2, keepHeads: false }));
  assert.notEqual(r2.code, 70, r2.stderr);
  const status = JSON.parse(cli(rig, 'victim', ['status', '--json']).stdout) as { records: { refused: Array<{ code: string }> } };
  assert.ok(status.records.refused.some((x) => x.code === 'RS_ERR_STORE_OWN_ORIGIN'));
  assert.equal(query(rig.db.victim, "SELECT 1 FROM person WHERE first_name = 'Me?'").length, 0);
  assertHealthy(rig);
});

/** A real export of files from N0BAD, tampered: `set` changes each @files row's fields. */
function tamperedFiles(rig: Rig, files: Record<string, string>, set: (path: string, f: RowChange['fields']) => void, format: 1 | 2): string {
  for (const [p, text] of Object.entries(files)) {
    mkdirSync(join(rig.folder.bad, p, '..'), { recursive: true });
    writeFileSync(join(rig.folder.bad, p), text);
  }
  const cs = changesetOf(exportTo(rig, 'bad', 'victim'));
  for (const c of cs.changes) if (c.table === '@files' && typeof c.fields['path'] === 'string') set(c.fields['path'], c.fields);
  rig.heads.clear();
  return craft(rig, cs.changes, { format, keepHeads: false }, { chunks: cs.chunks, upto: cs.upto });
}

withRig('4. file and directory modes are masked to 0o777: no setuid, setgid or sticky bit is planted', (rig) => {
  const noSpecialBits = (): void => {
    for (const p of ['sub1', 'sub1/tool1.sh', 'sub2', 'sub2/tool2.sh']) {
      const abs = join(rig.folder.victim, p);
      if (existsSync(abs)) assert.equal(statSync(abs).mode & 0o7000, 0, `${p} has no special bits`);
    }
  };
  for (const format of [1, 2] as const) {
    const f = tamperedFiles(rig, { [`sub${format}/tool${format}.sh`]: 'echo hi\n' }, (_p, fields) => {
      fields['mode'] = fields['type'] === 'dir' ? 0o3777 : 0o6777;
    }, format);
    const r = importCrafted(rig, f);
    assert.notEqual(r.code, 70, r.stderr);
    noSpecialBits();
  }
  assert.equal(statSync(join(rig.folder.victim, 'sub2/tool2.sh')).mode & 0o777, 0o777, 'the signed entry applied, with its permission bits');
  assertHealthy(rig);
});

withRig('5. out-of-range modes and mtimes are refused per entry; the rest applies, no temp file is left, honest files still land', (rig) => {
  const bad: Record<string, number> = { 'a.txt': -1, 'b.txt': 2 ** 40, 'c.txt': 420.5 };
  for (const format of [1, 2] as const) {
    const f = tamperedFiles(rig, { [`a${format}.txt`]: 'a', [`b${format}.txt`]: 'b', [`c${format}.txt`]: 'c', [`d${format}.txt`]: 'd', [`e${format}.txt`]: 'e' }, (p, fields) => {
      const k = p.replace(/\d/, '');
      if (bad[k] !== undefined) fields['mode'] = bad[k]!;
      if (k === 'd.txt') fields['mtime'] = 1e300;
    }, format);
    const r = importCrafted(rig, f);
    assert.notEqual(r.code, 70, r.stderr);
  }
  assert.ok(existsSync(join(rig.folder.victim, 'e2.txt')), 'the good entry of the same changeset was written');
  for (const n of ['a2.txt', 'b2.txt', 'c2.txt', 'd2.txt']) assert.ok(!existsSync(join(rig.folder.victim, n)), `${n} was not written`);
  assert.deepEqual(tempFiles(rig.folder.victim), []);
  const status = JSON.parse(cli(rig, 'victim', ['status', '--json']).stdout) as { fileProblems: Array<{ path: string; code: string }> };
  // The second export carries the first one's files too (never acknowledged), tampered the same way.
  assert.deepEqual(status.fileProblems.filter((p) => p.code === 'RS_ERR_FILES_BAD_ENTRY').map((p) => p.path).sort(), ['a', 'b', 'c', 'd'].flatMap((l) => [`docs/${l}1.txt`, `docs/${l}2.txt`]).sort());
  writeFileSync(join(rig.folder.honest, 'honest.txt'), 'from an honest peer');
  const h = importInto(rig, 'victim', exportTo(rig, 'honest', 'victim'));
  assert.equal(h.code, 0, h.stderr);
  assert.ok(existsSync(join(rig.folder.victim, 'honest.txt')));
  assertHealthy(rig);
});

withRig('6. import holds one changeset at a time: 10 changesets of 2,500 rows of 4 kB (100 MB) import within a 96 MB heap', (rig) => {
  const t0 = Date.now() - 3_600_000;
  const bundle = (format: 1 | 2): string => {
    let seq = 0;
    rig.heads.clear();
    const items = Array.from({ length: 10 }, () => {
      const changes = Array.from({ length: 2_500 }, (_, i) => ({ table: 'relay_only', id: newId().id, origin: CALLS.bad, seq: ++seq, hlc: hlcAt(t0 + seq), kind: 'upsert' as const, fields: { n: i, blob: randomBytes(3000).toString('base64') } }));
      return decodeBundle(new Uint8Array(readFileSync(craft(rig, changes, { format })))).items[0]!;
    });
    const out = join(rig.dir, `big${format}.rsb`);
    writeFileSync(out, encodeBundle({ from: CALLS.bad, to: [CALLS.victim], created: Date.now(), exportId: randomExportId(), part: 1, parts: 1, items }));
    return out;
  };
  for (const format of [1, 2] as const) {
    const r = cli(rig, 'victim', ['import', bundle(format), '--json'], { NODE_OPTIONS: '--max-old-space-size=96' });
    assert.ok([0, 1, 3].includes(r.code), r.stderr.slice(-2000));
    assert.equal((JSON.parse(r.stdout) as { changesets: number }).changesets, 10);
  }
  assert.equal(query<{ n: number }>(rig.db.victim, "SELECT count(*) AS n FROM radiosync_log WHERE tbl = 'relay_only'")[0]!.n, 25_000);
  assertHealthy(rig, { relayBacklog: true });
}, 600_000);

withRig('7. rows kept only for relaying stop at the per-peer quota (32 MiB by default), with a clear error in status', (rig) => {
  // 20,000 rows of 2,000 bytes for a table the victim does not sync: 40 MB in its database, a few hundred kB on air.
  const changes = Array.from({ length: 20_000 }, (_, i) => ({ table: 'not_synced_here', id: newId().id, origin: CALLS.bad, seq: i + 1, hlc: hlcAt(Date.now() - 60_000 + i), kind: 'upsert' as const, fields: { blob: 'x'.repeat(2000) } }));
  const r = importCrafted(rig, craft(rig, changes, { format: 1 }));
  assert.notEqual(r.code, 70, r.stderr);
  const kept = (): number => query<{ b: number }>(rig.db.victim, "SELECT coalesce(sum(length(fields)), 0) AS b FROM radiosync_log WHERE tbl = 'not_synced_here'")[0]!.b;
  assert.ok(kept() <= 32 * 1024 * 1024, `kept ${kept()} bytes`);
  rig.heads.clear();
  const r2 = importCrafted(rig, craft(rig, changes, { format: 2 }));
  assert.notEqual(r2.code, 70, r2.stderr);
  assert.ok(kept() <= 32 * 1024 * 1024 && kept() > 30 * 1024 * 1024, `kept ${kept()} bytes: up to the quota`);
  const status = JSON.parse(cli(rig, 'victim', ['status', '--json']).stdout) as { records: { refused: Array<{ code: string; rows: number; message: string }> } };
  const q = status.records.refused.find((x) => x.code === 'RS_ERR_STORE_RELAY_QUOTA');
  assert.ok(q !== undefined && q.rows > 3000 && /relay quota/.test(q.message), JSON.stringify(status.records.refused));
  assertHealthy(rig, { relayBacklog: true });
});

withRig('9a. a clock a year ahead that was set back stops winning: the honest concurrent edit wins at every station', (rig) => {
  const { uuid, id } = newId();
  const now = Date.now();
  sql(rig.db.honest, 'INSERT INTO person(uuid, first_name, last_name, age, status) VALUES (?, ?, ?, ?, ?)', uuid, 'Start', 'Row', 1, 'ok');
  assert.equal(importInto(rig, 'victim', exportTo(rig, 'honest', 'victim')).code, 0);
  assert.equal(importInto(rig, 'bad', exportTo(rig, 'honest', 'bad')).code, 0);
  const honestSeq = query<{ upto: number }>(rig.db.victim, "SELECT upto FROM radiosync_vv WHERE origin = 'N0HON'")[0]!.upto;
  // N0BAD edits the row a year in the future, then (clock set back) another row two hours ago.
  const year = hlcAt(now + 365 * 86_400_000);
  const ahead = upsert(CALLS.bad, 1, id, { age: 99 }, year);
  ahead.ctx = { [CALLS.honest]: honestSeq };
  const back = upsert(CALLS.bad, 2, newId().id, person('Later'), hlcAt(now - 7_200_000));
  importCrafted(rig, craft(rig, [ahead, back], { format: 1, keepHeads: false }));
  sql(rig.db.honest, 'UPDATE person SET age = 55 WHERE uuid = ?', uuid); // concurrent, now
  assert.equal(importInto(rig, 'victim', exportTo(rig, 'honest', 'victim')).code, 0);
  assert.equal(row(rig.db.victim, uuid)?.['age'], 55, 'the year-ahead stamp does not win');
  const r = importCrafted(rig, craft(rig, [ahead, back], { format: 2 }));
  assert.notEqual(r.code, 70, r.stderr);
  assert.equal((JSON.parse(r.stdout) as { rowsApplied: number }).rowsApplied, 2, 'the signed run applies');
  assert.equal(row(rig.db.victim, uuid)?.['age'], 55, 'the held-back stamp no longer wins');
  assert.equal(importInto(rig, 'honest', exportTo(rig, 'victim', 'honest')).code, 0);
  assert.equal(row(rig.db.honest, uuid)?.['age'], 55, 'and the honest peer agrees');
  assertHealthy(rig);
});

withRig('9b. text in an INTEGER column is parked with its reason, not stored; the other rows apply', (rig) => {
  const a = newId();
  const b = newId();
  for (const format of [1, 2] as const) {
    const r = importCrafted(rig, craft(rig, [upsert(CALLS.bad, 1, a.id, person('Typed', 'notanint')), upsert(CALLS.bad, 2, b.id, person('Fine', 33))], { format, keepHeads: format === 2 }));
    assert.notEqual(r.code, 70, r.stderr);
    assert.equal(query(rig.db.victim, "SELECT 1 FROM person WHERE typeof(age) = 'text'").length, 0, 'no text stored in the INTEGER column');
  }
  assert.equal(row(rig.db.victim, b.uuid)?.['age'], 33);
  const status = JSON.parse(cli(rig, 'victim', ['status', '--json']).stdout) as { records: { parkedRows: Array<{ id: string; reason: string }> } };
  assert.match(status.records.parkedRows.find((p) => p.id === a.uuid)?.reason ?? '', /type: person\.age/);
  assertHealthy(rig, { parked: true });
});

