import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, renameSync, rmSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { ManualClock } from '../../src/clock/ManualClock.js';
import { isRadiosyncError } from '../../src/errors/RadiosyncError.js';
import { CONFLICT_RE } from '../../src/files/conflictName.js';
import { bytes } from '../files/helpers.js';
import { tempDir } from './stations.js';
import { acknowledged, build, deliver, folderSetup, FOLDER_T0, syncedTree, transfer, type FolderNode, put } from './folderStations.js';

const MB = 1024 * 1024;

function setup(calls: string[], sample = true): ReturnType<typeof folderSetup> {
  return folderSetup(calls, { sample });
}

test('the sample folder round-trips through records, changesets and chunks; a re-delivered changeset is a no-op', async () => {
  const { nodes, done } = setup(['N0AAA', 'N0BBB']);
  const [a, b] = nodes as [FolderNode, FolderNode];
  try {
    const t = await transfer(a, b);
    assert.ok(t.cs.changes.every((c) => c.table === '@files' && c.origin === 'N0AAA'));
    assert.ok(t.cs.chunks.length > 0);
    assert.equal(t.inc.result.ignored, t.cs.changes.length); // held by the store, left to folder sync
    assert.deepEqual(t.report.deferred, []);
    assert.deepEqual(syncedTree(b.root), syncedTree(a.root));
    assert.ok(b.station.records.versionVector()['N0AAA']! >= t.cs.changes.length);

    // The same bytes again: the store skips it, and no file is touched.
    const again = await deliver(b, t.sealed);
    assert.equal(again.inc.result.duplicate, true);
    assert.deepEqual([again.report.written, again.report.deleted, again.report.rows], [[], [], 0]);
    assert.deepEqual(syncedTree(b.root), syncedTree(a.root));
    // Nothing echoes back: B's scan records nothing, and A has nothing new for B.
    assert.equal((await b.fs.capture()).changes, 0);
    assert.equal((await build(a, b)).cs.changes.length, 0);
  } finally {
    done();
  }
});

test('a 1 KB edit in the middle of a 1 MB file sends about one chunk; a rename sends no content', async () => {
  const { nodes, clock, done } = setup(['N0AAA', 'N0BBB'], false);
  const [a, b] = nodes as [FolderNode, FolderNode];
  try {
    const data = bytes(MB, 7);
    put(a.root, 'big.bin', data);
    const first = await transfer(a, b);
    assert.ok(first.chunkBytes >= MB, `first transfer carries the whole file (${first.chunkBytes} B)`);
    assert.deepEqual(readFileSync(join(b.root, 'big.bin')), Buffer.from(data));

    clock.advance(60_000);
    const edited = new Uint8Array(data);
    edited.set(bytes(1024, 99), MB / 2);
    put(a.root, 'big.bin', edited);
    const edit = await transfer(a, b);
    assert.equal(edit.cs.changes.length, 1);
    assert.ok(edit.chunkBytes > 0 && edit.chunkBytes < 0.02 * MB, `edit sent ${edit.chunkBytes} B of chunks (≤ 2% of 1 MB)`);
    assert.deepEqual(readFileSync(join(b.root, 'big.bin')), Buffer.from(edited));

    clock.advance(60_000);
    renameSync(join(a.root, 'big.bin'), join(a.root, 'renamed.bin'));
    const rename = await transfer(a, b);
    assert.deepEqual(rename.cs.changes.map((c) => c.kind).sort(), ['delete', 'upsert']);
    assert.equal(rename.cs.chunks.length, 0, 'a rename sends no content');
    assert.deepEqual(readFileSync(join(b.root, 'renamed.bin')), Buffer.from(edited));
    assert.deepEqual(syncedTree(b.root), syncedTree(a.root));
  } finally {
    done();
  }
});

test('concurrent edits at two stations leave one conflict copy at both, and the copies merge silently', async () => {
  const { nodes, clock, done } = setup(['N0AAA', 'N0BBB']);
  const [a, b] = nodes as [FolderNode, FolderNode];
  try {
    await transfer(a, b);
    await transfer(b, a);
    const f = 'forms/blank/shelter-intake.txt';
    clock.advance(1000);
    put(a.root, f, 'edited at A\n');
    await a.fs.capture();
    clock.advance(1000);
    put(b.root, f, 'edited at B, later\n');
    await b.fs.capture();
    const ab = await transfer(a, b);
    const ba = await transfer(b, a);
    assert.equal(ab.report.conflictCopies.length + ba.report.conflictCopies.length, 2);
    for (const n of [a, b]) {
      assert.equal(readFileSync(join(n.root, f), 'utf8'), 'edited at B, later\n', `${n.call}: the later edit wins`);
      const copies = readdirSync(join(n.root, 'forms/blank')).filter((x) => CONFLICT_RE.test(x));
      assert.equal(copies.length, 1, `${n.call}: one conflict copy`);
      assert.match(copies[0]!, /^shelter-intake\.sync-conflict-\d{8}-\d{6}-N0AAA\.txt$/);
      assert.equal(readFileSync(join(n.root, 'forms/blank', copies[0]!), 'utf8'), 'edited at A\n');
    }
    // Both stations record the copy (same path, same content): it merges without another copy.
    await transfer(a, b);
    await transfer(b, a);
    await transfer(a, b);
    assert.deepEqual(syncedTree(a.root), syncedTree(b.root));
    assert.equal(readdirSync(join(a.root, 'forms/blank')).filter((x) => CONFLICT_RE.test(x)).length, 1);
  } finally {
    done();
  }
});

test('an edit concurrent with a delete keeps the file at both stations', async () => {
  const { nodes, clock, done } = setup(['N0AAA', 'N0BBB']);
  const [a, b] = nodes as [FolderNode, FolderNode];
  try {
    await transfer(a, b);
    const f = 'reports/2026/01/2026-01-14-sitrep.md';
    clock.advance(1000);
    put(b.root, f, 'B edited the sitrep\n');
    await b.fs.capture();
    clock.advance(60_000); // the delete is later by the clock, and still loses
    unlinkSync(join(a.root, f));
    await a.fs.capture();
    await transfer(a, b);
    await transfer(b, a);
    for (const n of [a, b]) assert.equal(readFileSync(join(n.root, f), 'utf8'), 'B edited the sitrep\n', n.call);
    assert.deepEqual(syncedTree(a.root), syncedTree(b.root));
    // A delete made after seeing the edit does apply.
    clock.advance(1000);
    unlinkSync(join(a.root, f));
    await transfer(a, b);
    assert.equal(readdirSync(join(b.root, 'reports/2026/01')).includes('2026-01-14-sitrep.md'), false);
  } finally {
    done();
  }
});

test('three stations converge through a relay (A → B → C and back; C never talks to A)', async () => {
  const { nodes, clock, done } = setup(['N0AAA', 'N0BBB', 'N0CCC']);
  const [a, b, c] = nodes as [FolderNode, FolderNode, FolderNode];
  try {
    await transfer(a, b);
    const bc = await transfer(b, c);
    assert.ok(bc.cs.changes.some((ch) => ch.origin === 'N0AAA'), 'B relays A\'s entries');
    assert.deepEqual(syncedTree(c.root), syncedTree(a.root));
    clock.advance(1000);
    put(c.root, 'README.txt', 'C rewrote the readme\n');
    put(c.root, 'maps/new-from-c.txt', 'grid 4');
    await transfer(c, b);
    const ba = await transfer(b, a);
    assert.ok(ba.cs.changes.some((ch) => ch.origin === 'N0CCC'));
    for (const n of [a, b]) assert.deepEqual(syncedTree(n.root), syncedTree(c.root), n.call);
    // Quiet: nothing left to send anywhere.
    for (const [x, y] of [[a, b], [b, c], [c, b], [b, a]] as const) assert.equal((await build(x, y)).cs.changes.length, 0);
  } finally {
    done();
  }
});

test('changesets out of order: a row waiting for chunks is retried and applied when they arrive', async () => {
  const { nodes, clock, done } = setup(['N0AAA', 'N0BBB'], false);
  const [a, b] = nodes as [FolderNode, FolderNode];
  try {
    const data = bytes(200_000, 3);
    put(a.root, 'doc.bin', data);
    const first = await build(a, b);
    acknowledged(a, b, first.cs); // A believes B has it (e.g. a lost-then-late delivery)
    clock.advance(1000);
    const edited = new Uint8Array(data);
    edited.set(bytes(100, 5), 100_000);
    put(a.root, 'doc.bin', edited);
    const second = await build(a, b);
    const early = await deliver(b, second.sealed);
    // Its origin's run starts after a gap: held aside until the earlier run arrives (waitingRuns.ts).
    assert.equal(early.inc.result.waiting, second.cs.changes.length);
    assert.equal(early.report.written.length, 0);
    const late = await deliver(b, first.sealed);
    assert.equal(late.inc.result.late.length, second.cs.changes.length);
    assert.deepEqual(late.report.written, ['docs/doc.bin']);
    assert.equal(late.report.pending, 0);
    assert.deepEqual(readFileSync(join(b.root, 'doc.bin')), Buffer.from(edited), 'the newest version, whatever the order');
  } finally {
    done();
  }
});

test('a folder whose root marker is missing is refused: typed error, nothing recorded', async () => {
  const { nodes, done } = setup(['N0AAA', 'N0BBB']);
  const [a] = nodes as [FolderNode, FolderNode];
  try {
    const vv = a.station.records.versionVector();
    rmSync(join(a.root, '.radiosync-folder'));
    await assert.rejects(a.fs.capture(), (e: unknown) => isRadiosyncError(e, 'RS_ERR_FOLDER_MARKER_MISSING'));
    assert.deepEqual(a.station.records.versionVector(), vv);
    assert.equal(a.station.records.rowIds('@files').length, 0);
  } finally {
    done();
  }
});

test('diff lists what a peer lacks with bytes on air, and nothing once it is acknowledged', async () => {
  const { nodes, clock, done } = setup(['N0AAA', 'N0BBB']);
  const [a, b] = nodes as [FolderNode, FolderNode];
  try {
    const before = await a.fs.diff('N0BBB');
    assert.ok(before.diffs[0]!.totals.added > 10);
    assert.match(before.text, /share docs → N0BBB: \d+ added/);
    await transfer(a, b);
    clock.advance(1000);
    renameSync(join(a.root, 'README.txt'), join(a.root, 'LEEME.txt'));
    put(a.root, 'tools/post-sitrep.sh', '#!/bin/sh\necho changed\n');
    const d = (await a.fs.diff('N0BBB')).diffs[0]!;
    assert.deepEqual(
      d.items.map((i) => [i.kind, i.path]).sort(),
      [['changed', 'tools/post-sitrep.sh'], ['moved', 'LEEME.txt']],
    );
    assert.equal(d.items.find((i) => i.kind === 'moved')!.contentBytes, 0);
    await transfer(a, b);
    assert.equal((await a.fs.diff('N0BBB')).diffs[0]!.items.length, 0);
  } finally {
    done();
  }
});

test('a station without folders gets a no-op FolderSync', async () => {
  const { dir, cleanup } = tempDir('radiosync-folders-');
  const clock = new ManualClock(FOLDER_T0);
  const [x] = (await import('./stations.js')).makeStations(dir, ['N0XXX'], { clock });
  const { FolderSync } = await import('../../src/sync/FolderSync.js');
  const fs = FolderSync.open(x!);
  try {
    assert.equal(fs.enabled, false);
    assert.deepEqual(await fs.capture(), { changes: 0, scans: {} });
    const cs = x!.records.buildChangeset('N0YYY', { maxChanges: 5 });
    assert.equal(fs.attachChunks(cs, ['N0YYY']), cs);
    assert.equal((await fs.applyIncoming(cs)).rows, 0);
  } finally {
    fs.close();
    x!.close();
    cleanup();
  }
});
