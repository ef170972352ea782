/** One suite every RowSyncState passes (memory and SQLite). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { RowSyncState } from '../../src/files/RowSyncState.js';
import { FILES_TABLE, type FileChange } from '../../src/files/FileEntry.js';

const id = (...b: number[]) => Uint8Array.from(b);
const change = (i: Uint8Array, kind: 'upsert' | 'delete'): FileChange =>
  (kind === 'delete' ? { table: FILES_TABLE, id: i, kind } : { table: FILES_TABLE, id: i, kind, fields: {} }) as FileChange;

export function rowSyncStateCompliance(name: string, make: () => { state: RowSyncState; reopen?: () => RowSyncState }): void {
  test(`${name}: seen contexts are stored with sorted keys and clear the pending mark`, () => {
    const { state, reopen } = make();
    state.markPending([id(2), id(1), id(3)], 50);
    state.markPending([id(1, 0), id(2)], 40); // id 2 keeps its first since
    state.markPending([id(0)], 60);
    let q = reopen ? reopen() : state;
    assert.deepEqual(q.pending(), [id(1, 0), id(1), id(2), id(3), id(0)], 'oldest first, then by id');
    assert.equal(q.pendingCount(), 5);
    assert.equal(q.seen(id(1)), undefined);
    q.markApplied([{ id: id(1), vv: { zz: 2, aa: 1, mm: 0 } }, { id: id(3), vv: { b: 1 } }]);
    q.markApplied([{ id: id(3), vv: { b: 4 } }]);
    q = reopen ? reopen() : q;
    const ctx = q.seen(id(1))!;
    assert.deepEqual(Object.keys(ctx), ['aa', 'zz'], 'sorted, zero counters dropped');
    assert.deepEqual(ctx, { aa: 1, zz: 2 });
    assert.deepEqual(q.seen(id(3)), { b: 4 });
    assert.deepEqual(q.pending(), [id(1, 0), id(2), id(0)]);
    assert.equal(q.pendingCount(), 3);
  });

  test(`${name}: the capture journal keeps rows in order until cleared, numbering on from what it holds`, () => {
    const { state, reopen } = make();
    state.journal('ops', [change(id(1), 'upsert'), change(id(2), 'delete')], ['a.txt', 'b/c']);
    state.journal('med', [change(id(3), 'upsert')], ['x']);
    const q = reopen ? reopen() : state;
    const rows = q.journaled();
    assert.deepEqual(rows.map((r) => [r.share, r.path, [...r.id], r.kind]), [['ops', 'a.txt', [1], 'upsert'], ['ops', 'b/c', [2], 'delete'], ['med', 'x', [3], 'upsert']]);
    assert.ok(rows[0]!.n < rows[1]!.n && rows[1]!.n < rows[2]!.n);
    q.clearJournal(rows[1]!.n);
    assert.deepEqual(q.journaled().map((r) => r.path), ['x']);
    q.journal('ops', [change(id(4), 'upsert')], ['later']);
    const after = q.journaled();
    assert.deepEqual(after.map((r) => r.path), ['x', 'later']);
    assert.ok(after[1]!.n > after[0]!.n);
    q.clearJournal(after[1]!.n);
    assert.deepEqual(q.journaled(), []);
  });

  test(`${name}: owed rows are kept per peer, by id`, () => {
    const { state, reopen } = make();
    state.setOwed('B1', [{ id: id(9), owed: true }, { id: id(1), owed: true }, { id: id(5), owed: false }]);
    state.setOwed('B2', [{ id: id(1), owed: true }]);
    const q = reopen ? reopen() : state;
    assert.deepEqual(q.owed('B1'), [id(1), id(9)]);
    q.setOwed('B1', [{ id: id(1), owed: false }, { id: id(9), owed: true }]);
    assert.deepEqual(q.owed('B1'), [id(9)]);
    assert.deepEqual(q.owed('B2'), [id(1)]);
    assert.deepEqual(q.owed('B3'), []);
  });

  test(`${name}: problems are replaced per row (keeping their first time), listed newest first and bounded`, () => {
    const { state, reopen } = make();
    state.noteProblem(id(1), { path: 'ops/a', code: 'RS_ERR_X', message: 'one', since: 10 });
    state.noteProblem(id(2), { path: 'ops/c', code: 'RS_ERR_Y', message: 'two', since: 20 });
    state.noteProblem(id(3), { path: 'ops/b', code: 'RS_ERR_Y', message: 'three', since: 20 });
    state.noteProblem(id(1), { path: 'ops/a2', code: 'RS_ERR_Z', message: 'again', since: 99 });
    const q = reopen ? reopen() : state;
    assert.deepEqual(q.problems(), [
      { path: 'ops/b', code: 'RS_ERR_Y', message: 'three', since: 20 },
      { path: 'ops/c', code: 'RS_ERR_Y', message: 'two', since: 20 },
      { path: 'ops/a2', code: 'RS_ERR_Z', message: 'again', since: 10 },
    ]);
    assert.deepEqual(q.problems(2).map((p) => p.path), ['ops/b', 'ops/c']);
    q.noteProblem(id(3), undefined);
    q.noteProblem(id(7), undefined);
    assert.deepEqual(q.problems().map((p) => p.path), ['ops/c', 'ops/a2']);
  });
}
