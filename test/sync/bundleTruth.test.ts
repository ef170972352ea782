import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { exportBundle, importBundle } from '../../src/sync/bundles.js';
import { decodeBundle } from '../../src/bundle/bundle.js';
import { tableFingerprints } from '../../src/sync/tableFingerprint.js';
import { folderFingerprint } from '../../src/sync/folderFingerprint.js';
import { Station } from '../../src/station/Station.js';
import { makeStations, tempDir } from './stations.js';
import { bytes } from '../files/helpers.js';
import { folderSetup, put, type FolderNode } from './folderStations.js';
import { stateDigest, verdictFor } from '../../src/sync/stateDigest.js';

test('rows over the per-changeset cap continue in further changesets of the same bundle: nothing is truncated', async () => {
  const { dir, cleanup } = tempDir();
  const [a, b] = makeStations(dir, ['N0AAA', 'N0BBB']);
  try {
    const cap = 500;
    (a!.config.limits as { rows_per_changeset: number }).rows_per_changeset = cap;
    const ex = exportBundle(a!, ['N0BBB']);
    assert.ok(ex.rows > 4000);
    assert.equal(ex.changesets, Math.ceil(ex.rows / cap), `${ex.rows} rows in changesets of ${cap}`);
    assert.deepEqual(ex.remaining, { rows: 0, files: 0 });
    assert.equal(decodeBundle(ex.bytes).items.filter((i) => i.kind === 1).length, ex.changesets, 'one bundle holds them all');
    const r = await importBundle(b!, ex.bytes);
    assert.equal(r.changesets, ex.changesets);
    assert.deepEqual(tableFingerprints(b!.records), tableFingerprints(a!.records));
    assert.equal(r.verdict?.state, 'in sync', 'the receipt in the bundle carried A\'s digest');
    assert.equal(r.holdsAllOfSender, true);
  } finally {
    a!.close();
    b!.close();
    cleanup();
  }
});

test('export --max-bytes splits into numbered parts; each part says which it is, and only all of them are "in sync"', async () => {
  const { dir, cleanup } = tempDir();
  const [a, b] = makeStations(dir, ['N0AAA', 'N0BBB']);
  try {
    (a!.config.limits as { rows_per_changeset: number }).rows_per_changeset = 400;
    const max = 64 * 1024;
    const ex = exportBundle(a!, ['N0BBB'], undefined, { maxBytes: max });
    assert.ok(ex.parts.length >= 2, `${ex.parts.length} parts`);
    for (const p of ex.parts) assert.ok(p.length <= max, `part of ${p.length} B`);
    const parts = ex.parts.map((p) => decodeBundle(p));
    assert.deepEqual(parts.map((p) => [p.part, p.parts]), parts.map((_, i) => [i + 1, ex.parts.length]));
    // import out of order: the last first
    const order = [...ex.parts.keys()].reverse();
    for (const [n, i] of order.entries()) {
      const r = await importBundle(b!, ex.parts[i]!);
      assert.equal(r.partsImported, n + 1);
      if (n + 1 < ex.parts.length) assert.notEqual(r.verdict?.state, 'in sync', `after ${n + 1} parts`);
    }
    assert.deepEqual(tableFingerprints(b!.records), tableFingerprints(a!.records));
    assert.equal(verdictFor(b!, 'N0AAA', stateDigest(b!)).state, 'in sync');
  } finally {
    a!.close();
    b!.close();
    cleanup();
  }
});

test('a file bigger than the chunk cap arrives over one export; after a bundle sync, a 1 KB edit costs about one chunk', async () => {
  const { nodes, done } = folderSetup(['N0AAA', 'N0BBB'], { fs: { maxChunkBytes: 100_000 } });
  const [a, b] = nodes as [FolderNode, FolderNode];
  try {
    const data = bytes(600_000, 5);
    put(a.root, 'big.bin', data);
    put(a.root, 'small.txt', 'small');
    await a.fs.capture();
    const ex = exportBundle(a.station, ['N0BBB'], a.fs, { maxBytes: 128 * 1024 });
    assert.ok(ex.parts.length >= 5, `${ex.parts.length} parts`);
    assert.ok(ex.chunkBytes >= 600_000);
    for (const p of ex.parts) {
      const r = await importBundle(b.station, p, b.fs);
      if (r.partsImported < ex.parts.length) assert.equal(r.verdict?.state, 'differs', 'until the last part, the file is not all there');
    }
    assert.deepEqual(readFileSync(join(b.root, 'big.bin')), Buffer.from(data));
    assert.equal(b.fs.pendingRows(), 0);
    assert.equal(verdictFor(b.station, 'N0AAA', stateDigest(b.station, b.fs)).state, 'in sync');
    // B's receipt goes back to A: what B holds (vector and chunks)
    await b.fs.capture();
    const back = exportBundle(b.station, ['N0AAA'], b.fs);
    await importBundle(a.station, back.bytes, a.fs);
    assert.equal(verdictFor(a.station, 'N0BBB', stateDigest(a.station, a.fs)).state, 'in sync');
    // a 1 KB edit in the middle of the big file
    const edited = Buffer.from(data);
    edited.fill(7, 300_000, 301_024);
    writeFileSync(join(a.root, 'big.bin'), edited);
    await a.fs.capture();
    const ex2 = exportBundle(a.station, ['N0BBB'], a.fs);
    assert.ok(ex2.chunkBytes < 40_000, `the edit sent ${ex2.chunkBytes} B of chunks, not the whole ${data.length} B file`);
    await importBundle(b.station, ex2.bytes, b.fs);
    assert.deepEqual(readFileSync(join(b.root, 'big.bin')), edited);
  } finally {
    done();
  }
});

test('a station restored from an old backup gets back what other stations made and its own lost changes, and its next edit follows them', async () => {
  const { dir, cleanup } = tempDir();
  const [a, b] = makeStations(dir, ['N0AAA', 'N0BBB']);
  try {
    await importBundle(b!, exportBundle(a!, ['N0BBB']).bytes);
    // B's backup; then A edits 3 rows and B edits 5, and they exchange bundles
    const bDb = join(dir, 'N0BBB.sqlite');
    b!.records.db.pragma('wal_checkpoint(TRUNCATE)');
    copyFileSync(bDb, join(dir, 'backup.sqlite'));
    a!.records.db.prepare("UPDATE person SET notes = 'seen at A' WHERE rowid IN (SELECT rowid FROM person ORDER BY rowid DESC LIMIT 3)").run();
    b!.records.db.prepare("UPDATE person SET notes = 'seen at B' WHERE rowid IN (SELECT rowid FROM person LIMIT 5)").run();
    await importBundle(a!, exportBundle(b!, ['N0AAA']).bytes);
    await importBundle(b!, exportBundle(a!, ['N0BBB']).bytes);
    const before = tableFingerprints(a!.records);
    assert.deepEqual(tableFingerprints(b!.records), before);
    const bSeqBefore = b!.records.versionVector()['N0BBB'] ?? 0;
    // B's disk dies: restored from the backup (before A's 3 edits and its own 5)
    b!.close();
    copyFileSync(join(dir, 'backup.sqlite'), bDb);
    for (const ext of ['-wal', '-shm']) copyFileSync('/dev/null', bDb + ext);
    const b2 = Station.open(join(dir, 'N0BBB'), { env: {} });
    try {
      assert.ok((b2.records.versionVector()['N0BBB'] ?? 0) < bSeqBefore, 'the backup lacks some of B\'s own changes');
      // B tells A what it really holds (its receipt): A's cursor for B goes back, and A resends
      const fromB = await importBundle(a!, exportBundle(b2, ['N0AAA']).bytes);
      assert.notEqual(fromB.verdict?.state, 'in sync', 'A does not believe B holds what it lost');
      const toB = exportBundle(a!, ['N0BBB']);
      assert.ok(toB.rows >= 8, `${toB.rows} row changes go back to B (A's 3 and B's own 5)`);
      const r = await importBundle(b2, toB.bytes);
      const notes = (s: Station, text: string) => (s.records.db.prepare('SELECT count(*) AS n FROM person WHERE notes = ?').get(text) as { n: number }).n;
      assert.equal(notes(b2, 'seen at A'), 3, "A's edits that B lost are back");
      assert.equal(notes(b2, 'seen at B'), 5, "B's own lost edits are back, under B's own signature");
      assert.deepEqual(tableFingerprints(b2.records), before, 'B holds everything again');
      assert.deepEqual(tableFingerprints(a!.records), before, 'A lost nothing');
      assert.equal(r.verdict?.state, 'in sync');
      assert.equal(b2.records.versionVector()['N0BBB'], bSeqBefore, "B's vector for itself is whole again");
      // B's next edit gets the next seq (not one of the returned ones), and A takes it
      b2.records.db.prepare("UPDATE person SET notes = 'after the restore' WHERE rowid = 9").run();
      const next = exportBundle(b2, ['N0AAA']);
      const back = await importBundle(a!, next.bytes);
      assert.equal(back.refused ?? 0, 0);
      assert.equal(notes(a!, 'after the restore'), 1, "B's first edit after the restore reaches A");
      assert.equal(b2.records.versionVector()['N0BBB'], bSeqBefore + 1);
      assert.deepEqual(tableFingerprints(a!.records), tableFingerprints(b2.records));
    } finally {
      b2.close();
    }
  } finally {
    a!.close();
    cleanup();
  }
});
