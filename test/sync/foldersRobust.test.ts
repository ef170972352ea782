import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CONFLICT_RE } from '../../src/files/conflictName.js';
import { FolderSync } from '../../src/sync/FolderSync.js';
import { bytes, snapshot } from '../files/helpers.js';
import { acknowledged, build, deliver, folderSetup, syncedTree, transfer, type FolderNode, put } from './folderStations.js';

test('chunks over the per-changeset cap follow in later changesets; the file lands once all are there', async () => {
  const { nodes, done } = folderSetup(['N0AAA', 'N0BBB'], { fs: { maxChunkBytes: 100_000 } });
  const [a, b] = nodes as [FolderNode, FolderNode];
  try {
    const data = bytes(350_000, 11);
    put(a.root, 'big.bin', data);
    put(a.root, 'small.txt', 'small');
    const sizes: number[] = [];
    for (let round = 0; round < 10; round++) {
      const t = await transfer(a, b);
      if (t.cs.changes.length === 0 && t.cs.chunks.length === 0) break;
      sizes.push(t.chunkBytes);
      assert.ok(t.chunkBytes <= 100_000, `round ${round}: ${t.chunkBytes} B of chunks`);
    }
    assert.ok(sizes.length >= 4, `split over ${sizes.length} changesets`);
    assert.deepEqual(readFileSync(join(b.root, 'big.bin')), Buffer.from(data));
    assert.equal(readFileSync(join(b.root, 'small.txt'), 'utf8'), 'small');
    assert.equal(b.fs.pendingRows(), 0);
    // Nothing is owed any more: the next changeset is empty.
    const next = await build(a, b);
    assert.deepEqual([next.cs.changes.length, next.cs.chunks.length], [0, 0]);
  } finally {
    done();
  }
});

test('a crash between the scan and the record store loses nothing: the journal is replayed', async () => {
  const { nodes, done } = folderSetup(['N0AAA', 'N0BBB'], { sample: true });
  const [a, b] = nodes as [FolderNode, FolderNode];
  try {
    // The scan ran (scan state written) but the process died before the changes reached the log.
    const scan = await a.fs.set!.scan('docs', { journal: (changes, paths) => (a.fs as unknown as { state: { journal: (s: string, c: typeof changes, p: string[]) => void } }).state.journal('docs', changes, paths) });
    assert.ok(scan.changes.length > 10);
    assert.equal(a.station.records.rowIds('@files').length, 0);
    a.fs.close();
    a.fs = FolderSync.open(a.station, { caseInsensitive: false });
    const rec = await a.fs.capture(); // the new scan finds nothing new; the journal has it all
    assert.equal(rec.changes, scan.changes.length);
    await transfer(a, b);
    assert.deepEqual(snapshot(b.root), syncedTree(a.root));
  } finally {
    done();
  }
});

test('a local edit not yet captured is never overwritten: the incoming version becomes a conflict copy', async () => {
  const { nodes, clock, done } = folderSetup(['N0AAA', 'N0BBB'], { sample: true });
  const [a, b] = nodes as [FolderNode, FolderNode];
  try {
    await transfer(a, b);
    const f = 'README.txt';
    clock.advance(1000);
    put(a.root, f, 'A: new readme\n');
    const { cs, sealed } = await build(a, b);
    clock.advance(1000);
    put(b.root, f, 'B: typing right now\n'); // not scanned yet at B
    const r = await deliver(b, sealed);
    acknowledged(a, b, cs);
    assert.equal(r.report.deferred[0]?.code, 'RS_ERR_FILES_TARGET_CHANGED');
    assert.equal(readFileSync(join(b.root, f), 'utf8'), 'B: typing right now\n');
    await b.fs.capture(); // B's edit is concurrent with A's (B never wrote A's version)
    const retry = await b.fs.retryPending();
    assert.equal(retry.conflictCopies.length, 1);
    assert.equal(b.fs.pendingRows(), 0);
    await transfer(b, a);
    await transfer(a, b);
    for (const n of [a, b]) {
      assert.equal(readFileSync(join(n.root, f), 'utf8'), 'B: typing right now\n', `${n.call}: the later edit wins`);
      const copies = readdirSync(n.root).filter((x) => CONFLICT_RE.test(x));
      assert.deepEqual(copies.map((c) => readFileSync(join(n.root, c), 'utf8')), ['A: new readme\n'], `${n.call}: A's version kept`);
    }
  } finally {
    done();
  }
});

test('a station that does not keep a share relays its entries and chunks (A → B → C)', async () => {
  const { nodes, done } = folderSetup(['N0AAA', 'N0BBB', 'N0CCC'], { sample: true, shares: ['docs', 'other', 'docs'] });
  const [a, b, c] = nodes as [FolderNode, FolderNode, FolderNode];
  try {
    const ab = await transfer(a, b);
    assert.equal(ab.report.relayedOnly, ab.cs.changes.length);
    assert.deepEqual(readdirSync(b.root), ['.radiosync-folder']);
    const bc = await transfer(b, c);
    assert.equal(bc.chunkBytes, ab.chunkBytes, 'B forwards the chunks from its chunk store');
    assert.deepEqual(snapshot(c.root), syncedTree(a.root));
  } finally {
    done();
  }
});

test('applyIncoming records chunks and pending rows before its first await; a restart finishes the job', async () => {
  const { nodes, clock, done } = folderSetup(['N0AAA', 'N0BBB'], { sample: true });
  const [a, b] = nodes as [FolderNode, FolderNode];
  try {
    const { cs, sealed } = await build(a, b);
    const { applyIncoming } = await import('../../src/sync/applyIncoming.js');
    const inc = applyIncoming(b.station, sealed); // the store part (synchronous)
    const started = b.fs.applyIncoming(cs, inc.result); // not awaited, as from a synchronous receipt callback
    assert.equal(b.fs.pendingRows(), cs.changes.length, 'every touched row is durably pending');
    await started;
    assert.equal(b.fs.pendingRows(), 0);
    // Simulate a crash after the store part: rows pending, nothing written, then a restart.
    clock.advance(1000);
    put(a.root, 'README.txt', 'after restart\n');
    const next = await build(a, b);
    const inc2 = applyIncoming(b.station, next.sealed);
    void inc2;
    (b.fs as unknown as { state: { markPending: (ids: Uint8Array[], now: number) => void } }).state.markPending(next.cs.changes.map((c) => c.id), 0);
    b.fs.close();
    b.fs = FolderSync.open(b.station, { caseInsensitive: false });
    b.fs.set!.chunks.putMany(next.cs.chunks); // chunks were stored before the crash
    const r = await b.fs.retryPending();
    assert.deepEqual(r.written, ['docs/README.txt']);
    assert.equal(readFileSync(join(b.root, 'README.txt'), 'utf8'), 'after restart\n');
  } finally {
    done();
  }
});
