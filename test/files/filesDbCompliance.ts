/** One suite every FilesDb passes (memory and SQLite). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { FilesDb, ScanRow } from '../../src/files/FilesDb.js';

const h = (n: number) => Uint8Array.of(n, n, n, n, 0, 0, 0, n);

function row(share: string, path: string, n = 1): ScanRow {
  return { share, path, type: 'file', mode: 0o644, mtime: 1000 + n, size: n, ino: n, chunks: Uint8Array.of(n, 2, 3), target: '' };
}

export function filesDbCompliance(name: string, make: () => { fdb: FilesDb; reopen?: () => FilesDb }): void {
  test(`${name}: scan rows are put, replaced, read, listed in byte order and deleted`, () => {
    const { fdb, reopen } = make();
    for (const p of ['b.txt', 'a/z', 'é.txt', 'a/b', 'Z']) fdb.putScan(row('ops', p));
    fdb.putScan(row('other', 'b.txt', 9));
    fdb.putScan({ ...row('ops', 'b.txt', 5), ino: -1, type: 'symlink', target: 'x' });
    const q = reopen ? reopen() : fdb;
    assert.deepEqual([...q.loadScan('ops').keys()], ['Z', 'a/b', 'a/z', 'b.txt', 'é.txt']);
    assert.deepEqual(q.getScan('ops', 'b.txt'), { ...row('ops', 'b.txt', 5), ino: -1, type: 'symlink', target: 'x' });
    assert.deepEqual(q.getScan('other', 'b.txt'), row('other', 'b.txt', 9));
    assert.equal(q.getScan('ops', 'missing'), undefined);
    q.deleteScan('ops', 'a/b');
    q.deleteScan('ops', 'never-there');
    assert.deepEqual([...q.loadScan('ops').keys()], ['Z', 'a/z', 'b.txt', 'é.txt']);
    assert.equal(q.loadScan('nobody').size, 0);
    // a returned row is a copy
    q.getScan('ops', 'Z')!.chunks[0] = 99;
    assert.equal(q.getScan('ops', 'Z')!.chunks[0], 1);
  });

  test(`${name}: a scoped load returns a path, everything under it, and the exact paths only`, () => {
    const { fdb } = make();
    for (const p of ['a', 'a/b', 'a/b/c', 'a0', 'a.txt', 'ab', 'a-b/x', 'b', 'c/d']) fdb.putScan(row('ops', p));
    fdb.putScan(row('x', 'a/b'));
    assert.deepEqual([...fdb.loadScanUnder('ops', ['a']).keys()].sort(), ['a', 'a/b', 'a/b/c']);
    assert.deepEqual([...fdb.loadScanUnder('ops', ['a/b'], ['a', 'nope']).keys()].sort(), ['a', 'a/b', 'a/b/c']);
    assert.deepEqual([...fdb.loadScanUnder('ops', ['c', 'b']).keys()].sort(), ['b', 'c/d']);
    assert.deepEqual([...fdb.loadScanUnder('ops', ['zz'], ['ab']).keys()], ['ab']);
    assert.equal(fdb.loadScanUnder('x', ['a']).size, 1);
  });

  test(`${name}: chunk locations are replaced per file, ordered, forgotten and relocated`, () => {
    const { fdb, reopen } = make();
    fdb.recordChunkLocations('ops', 'f', [{ hash: h(1), offset: 0, length: 10 }, { hash: h(2), offset: 10, length: 5 }, { hash: h(1), offset: 15, length: 10 }]);
    fdb.recordChunkLocations('ops', 'e', [{ hash: h(1), offset: 0, length: 10 }]);
    const q = reopen ? reopen() : fdb;
    assert.deepEqual(q.chunkLocations(h(1)), [
      { share: 'ops', path: 'e', offset: 0, length: 10 },
      { share: 'ops', path: 'f', offset: 0, length: 10 },
      { share: 'ops', path: 'f', offset: 15, length: 10 },
    ]);
    assert.equal(q.hasChunkLocation(h(2)), true);
    assert.equal(q.hasChunkLocation(h(3)), false);
    assert.deepEqual(q.chunkLocations(h(3)), []);
    // recording a file again replaces its locations
    q.recordChunkLocations('ops', 'f', [{ hash: h(3), offset: 0, length: 4 }]);
    assert.equal(q.hasChunkLocation(h(2)), false);
    assert.deepEqual(q.chunkLocations(h(1)), [{ share: 'ops', path: 'e', offset: 0, length: 10 }]);
    // relocating moves them, merging with what the destination has
    q.recordChunkLocations('@versions', 'v', [{ hash: h(1), offset: 0, length: 10 }, { hash: h(4), offset: 10, length: 1 }]);
    q.relocateChunkLocations('ops', 'e', '@versions', 'v');
    assert.deepEqual(q.chunkLocations(h(1)), [{ share: '@versions', path: 'v', offset: 0, length: 10 }]);
    assert.deepEqual(q.chunkLocations(h(4)), [{ share: '@versions', path: 'v', offset: 10, length: 1 }]);
    q.relocateChunkLocations('ops', 'f', 'ops', 'g');
    assert.deepEqual(q.chunkLocations(h(3)), [{ share: 'ops', path: 'g', offset: 0, length: 4 }]);
    q.forgetChunkLocations('@versions', 'v');
    assert.equal(q.hasChunkLocation(h(1)), false);
    assert.equal(q.hasChunkLocation(h(4)), false);
    assert.equal(q.hasChunkLocation(h(3)), true);
  });

  test(`${name}: peer chunks are marked and unmarked per peer`, () => {
    const { fdb, reopen } = make();
    fdb.markPeerChunks('B1', [h(1), h(2), h(1)]);
    fdb.markPeerChunks('B2', [h(3)]);
    const q = reopen ? reopen() : fdb;
    assert.deepEqual([1, 2, 3].map((n) => q.peerHasChunk('B1', h(n))), [true, true, false]);
    assert.deepEqual([1, 2, 3].map((n) => q.peerHasChunk('B2', h(n))), [false, false, true]);
    q.unmarkPeerChunks('B1', [h(2), h(3)]);
    assert.deepEqual([1, 2, 3].map((n) => q.peerHasChunk('B1', h(n))), [true, false, false]);
    assert.equal(q.peerHasChunk('B2', h(3)), true);
  });

  test(`${name}: a transaction commits everything, or nothing when its function throws; nested calls join it`, () => {
    const { fdb } = make();
    fdb.putScan(row('ops', 'keep', 1));
    fdb.recordChunkLocations('ops', 'keep', [{ hash: h(1), offset: 0, length: 1 }]);
    assert.equal(fdb.tx(() => (fdb.putScan(row('ops', 'new')), 42)), 42);
    assert.throws(
      () =>
        fdb.tx(() => {
          fdb.putScan(row('ops', 'keep', 7));
          fdb.putScan(row('ops', 'gone'));
          fdb.deleteScan('ops', 'new');
          fdb.recordChunkLocations('ops', 'keep', [{ hash: h(2), offset: 0, length: 2 }]);
          fdb.relocateChunkLocations('ops', 'keep', 'ops', 'moved');
          fdb.tx(() => fdb.markPeerChunks('B1', [h(1)]));
          throw new Error('boom');
        }),
      /boom/,
    );
    assert.deepEqual([...fdb.loadScan('ops').keys()], ['keep', 'new']);
    assert.deepEqual(fdb.getScan('ops', 'keep'), row('ops', 'keep', 1));
    assert.deepEqual(fdb.chunkLocations(h(1)), [{ share: 'ops', path: 'keep', offset: 0, length: 1 }]);
    assert.equal(fdb.hasChunkLocation(h(2)), false);
    assert.equal(fdb.peerHasChunk('B1', h(1)), false);
  });
}
