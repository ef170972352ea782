import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, readdirSync, readlinkSync, renameSync, rmSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { syncOnce } from '../../src/files/FolderReplica.js';
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { CONFLICT_RE } from '../../src/files/conflictName.js';
import { FILES_DIAGNOSTICS } from '../../src/files/diagnostics.js';
import { chunkBytes } from '../../src/files/FastCdc.js';
import { hashChunk, toHex } from '../../src/files/chunkHash.js';
import { bytes, cleanupTemp, makeStation, put, snapshot, TestClock, type TestStation } from './helpers.js';

after(cleanupTemp);

/** Exchange both ways. */
async function both(a: TestStation, b: TestStation): Promise<void> {
  await syncOnce(a.replica, b.replica);
  await syncOnce(b.replica, a.replica);
}

function contentBytes(b: { chunks: Array<{ data: Uint8Array }> }): number {
  return b.chunks.reduce((s, c) => s + c.data.length, 0);
}

test('round trip: nested folders, empty dirs, binary, exec bit, mtimes, symlinks, Unicode names', async () => {
  const clock = new TestClock();
  const a = makeStation('N0AAA', clock);
  const b = makeStation('N0BBB', clock);
  put(a.root, 'reports/2026/week-02.md', '# Week 2\nAll stations nominal.\n');
  put(a.root, 'reports/2026/deep/er/still/notes.txt', 'deep');
  put(a.root, 'bin/relay.sh', '#!/bin/sh\necho relay\n', 0o755);
  put(a.root, 'images/map.bin', bytes(70_000, 5));
  put(a.root, 'formularios/informe_año_ñandú.txt', 'sí');
  put(a.root, '报告/日报.txt', '天气晴');
  put(a.root, 'empty-file', '');
  mkdirSync(join(a.root, 'inbox/empty'), { recursive: true });
  symlinkSync('../reports/2026/week-02.md', join(a.root, 'bin/latest'));
  put(a.root, 'notes.txt.swp', 'editor junk');
  await both(a, b);
  const sa = snapshot(a.root);
  const sb = snapshot(b.root);
  delete sa['notes.txt.swp'];
  assert.deepEqual(sb, sa);
  assert.equal(sb['bin/relay.sh']!.split(':')[1], '755');
  assert.ok(sb['bin/latest']!.startsWith('link:../reports/2026/week-02.md:'));
  assert.equal(sb['inbox/empty'], sa['inbox/empty']);
  assert.equal(existsSync(join(b.root, 'notes.txt.swp')), false, 'ignored by default');
});

test('case-only names: both kept on a case-sensitive target; collision reported on a case-insensitive one', async () => {
  const clock = new TestClock();
  const a = makeStation('N0AAA', clock);
  const b = makeStation('N0BBB', clock);
  const c = makeStation('N0CCC', clock, { caseInsensitive: true });
  put(a.root, 'Report.txt', 'upper');
  put(a.root, 'report.txt', 'lower');
  await both(a, b);
  assert.equal(readFileSync(join(b.root, 'Report.txt'), 'utf8'), 'upper');
  assert.equal(readFileSync(join(b.root, 'report.txt'), 'utf8'), 'lower');
  await a.replica.scan();
  const { report } = await c.replica.receive(a.replica.bundleFor('N0CCC'));
  assert.deepEqual(report.caseCollisions, ['report.txt']);
  assert.equal(readFileSync(join(c.root, 'Report.txt'), 'utf8'), 'upper');
});

test('a 1 KB edit in the middle of a 1 MB file sends about one chunk', async () => {
  const clock = new TestClock();
  const a = makeStation('N0AAA', clock);
  const b = makeStation('N0BBB', clock);
  const data = bytes(1 << 20, 21);
  put(a.root, 'big.bin', data);
  const first = await syncOnce(a.replica, b.replica);
  assert.ok(contentBytes(first.bundle) >= data.length);
  const edited = data.slice();
  edited.set(bytes(1024, 77), 512 * 1024);
  put(a.root, 'big.bin', edited);
  const second = await syncOnce(a.replica, b.replica);
  const sent = contentBytes(second.bundle);
  const leaves = new Set(chunkBytes(edited).map((c) => toHex(hashChunk(c))));
  const dataChunks = second.bundle.chunks.filter((c) => leaves.has(toHex(c.hash)));
  assert.ok(dataChunks.length >= 1 && dataChunks.length <= 3, `${dataChunks.length} data chunks sent`);
  assert.ok(second.bundle.chunks.length - dataChunks.length <= 3, 'plus at most a few list chunks');
  assert.ok(sent < 16_000, `sent ${sent} bytes of chunks for a 1 KB edit`);
  assert.deepEqual(readFileSync(join(b.root, 'big.bin')), Buffer.from(edited));
  assert.deepEqual(second.report.versioned, ['big.bin'], 'old version kept');
});

test('renaming, moving and copying a 1 MB file sends no content', async () => {
  const clock = new TestClock();
  const a = makeStation('N0AAA', clock);
  const b = makeStation('N0BBB', clock);
  const data = bytes(1 << 20, 22);
  put(a.root, 'big.bin', data);
  await syncOnce(a.replica, b.replica);
  renameSync(join(a.root, 'big.bin'), join(a.root, 'renamed.bin'));
  const r1 = await syncOnce(a.replica, b.replica);
  assert.equal(r1.bundle.chunks.length, 0, 'no chunks for a rename');
  mkdirSync(join(a.root, 'archive'));
  renameSync(join(a.root, 'renamed.bin'), join(a.root, 'archive/moved.bin'));
  const r2 = await syncOnce(a.replica, b.replica);
  assert.equal(r2.bundle.chunks.length, 0, 'no chunks for a move');
  writeFileSync(join(a.root, 'copy.bin'), data);
  const r3 = await syncOnce(a.replica, b.replica);
  assert.equal(r3.bundle.chunks.length, 0, 'no chunks for a copy');
  assert.deepEqual(readFileSync(join(b.root, 'archive/moved.bin')), Buffer.from(data));
  assert.deepEqual(readFileSync(join(b.root, 'copy.bin')), Buffer.from(data));
  assert.equal(existsSync(join(b.root, 'big.bin')), false);
  assert.equal(existsSync(join(b.root, 'renamed.bin')), false);
});

test('concurrent edits at two stations: the winner stays, the loser becomes a conflict copy everywhere', async () => {
  const clock = new TestClock();
  const a = makeStation('N0AAA', clock);
  const b = makeStation('N0BBB', clock);
  put(a.root, 'forms/shelter.txt', 'beds: 10\n');
  await both(a, b);
  put(a.root, 'forms/shelter.txt', 'beds: 12 (from A)\n');
  await a.replica.scan();
  clock.advance(60_000);
  put(b.root, 'forms/shelter.txt', 'beds: 9 (from B)\n');
  await b.replica.scan();
  const seen: unknown[] = [];
  const onConflict = (m: unknown): void => void seen.push(m);
  subscribe(FILES_DIAGNOSTICS.conflict, onConflict);
  for (let i = 0; i < 3; i++) await both(a, b);
  unsubscribe(FILES_DIAGNOSTICS.conflict, onConflict);
  assert.ok(seen.length >= 1, 'conflict published on radiosync:files:conflict');
  assert.deepEqual(snapshot(a.root), snapshot(b.root));
  assert.equal(readFileSync(join(a.root, 'forms/shelter.txt'), 'utf8'), 'beds: 9 (from B)\n', 'later HLC wins');
  const copies = readdirSync(join(a.root, 'forms')).filter((n) => CONFLICT_RE.test(n));
  assert.equal(copies.length, 1);
  assert.match(copies[0]!, /^shelter\.sync-conflict-20260115-120000-N0AAA\.txt$/);
  assert.equal(readFileSync(join(a.root, 'forms', copies[0]!), 'utf8'), 'beds: 12 (from A)\n');
});

test('an edit beats a concurrent delete, in either direction', async () => {
  const clock = new TestClock();
  const a = makeStation('N0AAA', clock);
  const b = makeStation('N0BBB', clock);
  put(a.root, 'log.txt', 'v1');
  await both(a, b);
  unlinkSync(join(a.root, 'log.txt'));
  await a.replica.scan();
  clock.advance(-5000); // the edit even has the older clock
  put(b.root, 'log.txt', 'v2 edited');
  await b.replica.scan();
  await both(a, b);
  await both(a, b);
  assert.equal(readFileSync(join(a.root, 'log.txt'), 'utf8'), 'v2 edited');
  assert.equal(readFileSync(join(b.root, 'log.txt'), 'utf8'), 'v2 edited');
  assert.deepEqual(snapshot(a.root), snapshot(b.root));
});

test('a local edit made after the scan is not overwritten by an incoming version', async () => {
  const clock = new TestClock();
  const a = makeStation('N0AAA', clock);
  const b = makeStation('N0BBB', clock);
  put(a.root, 'plan.txt', 'v1');
  await both(a, b);
  put(a.root, 'plan.txt', 'v2 from A');
  await a.replica.scan();
  const bundle = a.replica.bundleFor('N0BBB');
  put(b.root, 'plan.txt', 'edited at B, not yet scanned');
  const { report } = await b.replica.receive(bundle);
  assert.deepEqual(report.deferred.map((d) => d.code), ['RS_ERR_FILES_TARGET_CHANGED']);
  assert.equal(readFileSync(join(b.root, 'plan.txt'), 'utf8'), 'edited at B, not yet scanned');
  for (let i = 0; i < 3; i++) await both(a, b);
  assert.deepEqual(snapshot(a.root), snapshot(b.root));
  const texts = readdirSync(a.root).filter((n) => n.startsWith('plan')).map((n) => readFileSync(join(a.root, n), 'utf8')).sort();
  assert.deepEqual(texts, ['edited at B, not yet scanned', 'v2 from A']);
});

test('a missing root marker refuses to scan or apply (typed error), so nothing is deleted', async () => {
  const clock = new TestClock();
  const a = makeStation('N0AAA', clock);
  const b = makeStation('N0BBB', clock);
  put(a.root, 'keep.txt', 'precious');
  await both(a, b);
  // The "USB stick" is unmounted: the mount point is an empty directory.
  rmSync(a.root, { recursive: true });
  mkdirSync(a.root);
  await assert.rejects(a.replica.scan(), { code: 'RS_ERR_FOLDER_MARKER_MISSING' });
  await assert.rejects(a.set.apply('ops', []), { code: 'RS_ERR_FOLDER_MARKER_MISSING' });
  assert.equal(a.replica.bundleFor('N0BBB').rows.length, 0, 'no deletes recorded');
  assert.equal(readFileSync(join(b.root, 'keep.txt'), 'utf8'), 'precious');
});

test('three stations converge through a relay (A - C - B), with deletes, conflicts and a dir', async () => {
  const clock = new TestClock();
  const a = makeStation('N0AAA', clock);
  const b = makeStation('N0BBB', clock);
  const c = makeStation('N0CCC', clock);
  put(a.root, 'shared/roster.csv', 'name,role\n');
  put(a.root, 'gone.txt', 'delete me');
  put(b.root, 'b-only/photo.bin', bytes(9000, 3));
  const round = async (): Promise<void> => {
    await both(a, c);
    await both(c, b);
  };
  await round();
  await round();
  put(a.root, 'shared/roster.csv', 'name,role\nAna,lead\n');
  await a.replica.scan();
  clock.advance(1000);
  put(b.root, 'shared/roster.csv', 'name,role\nBo,medic\n');
  unlinkSync(join(b.root, 'gone.txt'));
  mkdirSync(join(b.root, 'new-empty-dir'));
  await b.replica.scan();
  for (let i = 0; i < 4; i++) await round();
  const sa = snapshot(a.root);
  assert.deepEqual(snapshot(b.root), sa);
  assert.deepEqual(snapshot(c.root), sa);
  assert.equal(sa['gone.txt'], undefined);
  assert.ok(sa['new-empty-dir']);
  assert.equal(Object.keys(sa).filter((k) => CONFLICT_RE.test(k)).length, 1);
  // quiescent: nothing left to send
  await a.replica.scan();
  assert.equal(a.replica.bundleFor('N0CCC').rows.length, 0);
});

test('entries from a peer never write outside the folder (bad paths, paths through a symlink)', async () => {
  const clock = new TestClock();
  const a = makeStation('N0AAA', clock);
  const b = makeStation('N0BBB', clock);
  const outside = join(b.root, '..', 'outside');
  mkdirSync(outside);
  symlinkSync(outside, join(a.root, 'escape'));
  await both(a, b);
  assert.equal(readlinkSync(join(b.root, 'escape')), outside, 'the symlink itself is synced');
  // A hostile peer sends a file "under" the symlink and one with '..' in its path.
  put(a.root, 'tmpname.txt', 'payload');
  await a.replica.scan();
  const bundle = a.replica.bundleFor('N0BBB');
  const row = bundle.rows.find((r) => r.version.entry.path === 'tmpname.txt')!;
  const evil = [
    { id: new Uint8Array(16).fill(1), version: { ...row.version, entry: { ...row.version.entry, path: 'escape/pwned.txt' } } },
    { id: new Uint8Array(16).fill(2), version: { ...row.version, entry: { ...row.version.entry, path: '../pwned.txt' } } },
  ];
  const { report } = await b.replica.receive({ ...bundle, rows: evil });
  assert.deepEqual(report.rejected.map((r) => r.code), ['RS_ERR_FILES_BAD_PATH', 'RS_ERR_FILES_BAD_PATH']);
  assert.deepEqual(readdirSync(outside), []);
  assert.equal(existsSync(join(b.root, '..', 'pwned.txt')), false);
});

test('several folders per station, each with its own share name, kept apart', async () => {
  const clock = new TestClock();
  const a = makeStation('N0AAA', clock);
  const extra = join(a.root, '..', 'medical');
  mkdirSync(extra);
  writeFileSync(join(extra, '.radiosync-folder'), '');
  const { FolderSet } = await import('../../src/files/FolderSet.js');
  const { openFolderStores } = await import('../../src/store/files/openFolderStores.js');
  const set = new FolderSet({ ...openFolderStores(a.db, a.stationDir), stationDir: a.stationDir, folders: [{ share: 'ops', root: a.root }, { share: 'medical', root: extra }] });
  put(a.root, 'ops.txt', 'ops');
  put(extra, 'triage.csv', 'id,level\n');
  const ops = await set.scan('ops');
  const med = await set.scan('medical');
  assert.deepEqual(ops.changes.map((c) => c.fields.share), ['ops']);
  assert.deepEqual(med.changes.map((c) => [c.fields.share, c.fields.path]), [['medical', 'triage.csv']]);
  assert.deepEqual(set.shares(), ['ops', 'medical']);
  // An entry of one share is never applied in another folder.
  const entry = set.fdb.getScan('medical', 'triage.csv')!;
  const r = await set.apply('ops', [{ winner: { id: new Uint8Array(16), deleted: false, entry, origin: 'N0BBB', hlc: 1n } }]);
  assert.equal(r.rejected[0]?.code, 'RS_ERR_FILES_BAD_PATH');
  assert.equal(existsSync(join(a.root, 'triage.csv')), false);
});

test('cleanup drops received chunks that written files hold; the station still serves them', async () => {
  const clock = new TestClock();
  const a = makeStation('N0AAA', clock);
  const b = makeStation('N0BBB', clock);
  const c = makeStation('N0CCC', clock);
  const data = bytes(100_000, 31);
  put(a.root, 'photo.bin', data);
  const first = await syncOnce(a.replica, b.replica);
  const listChunks = first.bundle.chunks.length - new Set(chunkBytes(data).map((x) => toHex(hashChunk(x)))).size;
  const { chunksDropped } = b.set.cleanup();
  assert.equal(chunksDropped, first.bundle.chunks.length - listChunks, 'data chunks dropped, list chunks kept');
  await syncOnce(b.replica, c.replica);
  assert.deepEqual(readFileSync(join(c.root, 'photo.bin')), Buffer.from(data));
});

test('a losing version whose chunks have not arrived holds back the winner until they do (no silent loss)', async () => {
  const clock = new TestClock();
  const a = makeStation('N0AAA', clock);
  const b = makeStation('N0BBB', clock);
  put(a.root, 'n.txt', 'base');
  await both(a, b);
  put(a.root, 'n.txt', 'A edit, loses on HLC');
  await a.replica.scan();
  clock.advance(1000);
  put(b.root, 'n.txt', 'B edit, wins');
  await b.replica.scan();
  const bundle = a.replica.bundleFor('N0BBB');
  const stripped = { ...bundle, chunks: [] };
  const first = await b.replica.receive(stripped);
  assert.deepEqual(first.report.deferred.map((d) => [d.path, d.code]), [['n.txt', 'RS_ERR_FILES_CHUNK_MISSING']]);
  assert.equal(first.report.conflictCopies.length, 0);
  a.replica.onAck(first.ack);
  for (let i = 0; i < 3; i++) await both(a, b);
  assert.deepEqual(snapshot(a.root), snapshot(b.root));
  const names = readdirSync(b.root).filter((n) => CONFLICT_RE.test(n));
  assert.equal(names.length, 1);
  assert.equal(readFileSync(join(b.root, names[0]!), 'utf8'), 'A edit, loses on HLC');
});

test('a rename plus an edit at one station, concurrent with an edit of the old path at another: nothing lost', async () => {
  const clock = new TestClock();
  const a = makeStation('N0AAA', clock);
  const b = makeStation('N0BBB', clock);
  put(a.root, 'plan.txt', 'v1');
  await both(a, b);
  renameSync(join(a.root, 'plan.txt'), join(a.root, 'plan-final.txt'));
  put(a.root, 'plan-final.txt', 'v2 renamed and edited at A');
  await a.replica.scan();
  put(b.root, 'plan.txt', 'v2 edited at B');
  await b.replica.scan();
  for (let i = 0; i < 3; i++) await both(a, b);
  assert.deepEqual(snapshot(a.root), snapshot(b.root));
  assert.equal(readFileSync(join(a.root, 'plan.txt'), 'utf8'), 'v2 edited at B', 'the edit beats the rename\'s delete');
  assert.equal(readFileSync(join(a.root, 'plan-final.txt'), 'utf8'), 'v2 renamed and edited at A');
});

test('a folder that disappears in the middle of a scan records no deletes', async () => {
  const clock = new TestClock();
  const a = makeStation('N0AAA', clock);
  put(a.root, 'b-notes/keep.txt', 'precious');
  put(a.root, 'c.txt', 'precious too');
  await a.replica.scan();
  put(a.root, 'a-big.bin', bytes(1 << 20, 4)); // hashed asynchronously: the scan yields here
  const scanning = a.replica.scan();
  rmSync(a.root, { recursive: true }); // the stick is pulled mid-scan
  mkdirSync(a.root);
  await assert.rejects(scanning, { code: 'RS_ERR_FOLDER_MARKER_MISSING' });
  assert.ok(!a.replica.bundleFor('N0BBB').rows.some((r) => r.version.deleted), 'no deletes recorded');
  assert.equal(a.set.fdb.loadScan('ops').has('c.txt'), true, 'scan state keeps the files');
});
