/**
 * Conflicts on the record store: list (UUID as text, both values, state), show, resolve. A
 * resolution is an ordinary edit: it syncs by bundle and settles the conflict at the other station.
 */
import { test } from 'node:test';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import assert from 'node:assert/strict';
import { makeStations, tempDir } from '../sync/stations.js';
import { exportBundle, importBundle } from '../../src/sync/bundles.js';
import { errorCodeOf } from './errorCode.js';
import type { Station } from '../../src/station/Station.js';

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

async function sync(from: Station, to: Station): Promise<void> {
  const ex = exportBundle(from, [to.callsign]);
  await importBundle(to, ex.bytes);
}

/** A and B hold the sample data; then both edit the same person's field before they sync again. */
async function conflicted(dir: string, field: string, va: unknown, vb: unknown): Promise<{ a: Station; b: Station; uuid: string }> {
  const [a, b] = makeStations(dir, ['N0AAA', 'N0BBB']);
  await sync(a!, b!);
  const uuid = (a!.records.db.prepare('SELECT uuid FROM person ORDER BY id LIMIT 1').get() as { uuid: string }).uuid;
  a!.records.db.prepare(`UPDATE person SET ${field} = ? WHERE uuid = ?`).run(va, uuid);
  b!.records.db.prepare(`UPDATE person SET ${field} = ? WHERE uuid = ?`).run(vb, uuid);
  await sync(a!, b!);
  await sync(b!, a!);
  return { a: a!, b: b!, uuid };
}

const code = errorCodeOf;

function sub(dir: string, name: string): string {
  const d = join(dir, name);
  mkdirSync(d);
  return d;
}

const value = (s: Station, field: string, uuid: string): unknown =>
  (s.records.db.prepare(`SELECT ${field} AS v FROM person WHERE uuid = ?`).get(uuid) as { v: unknown }).v;

test('conflicts lists the loser with the UUID as text, both values, and state open', async () => {
  const { dir, cleanup } = tempDir();
  try {
    const { a, b, uuid } = await conflicted(dir, 'status', 'found-A', 'found-B');
    for (const s of [a, b]) {
      const list = s.records.conflicts();
      assert.equal(list.length, 1, s.callsign);
      const c = list[0]!;
      assert.match(c.id, UUID_RE);
      assert.equal(c.id, uuid);
      assert.equal(c.table, 'person');
      assert.equal(c.field, 'status');
      assert.deepEqual(new Set([c.winner.value, c.loser.value]), new Set(['found-A', 'found-B']));
      assert.equal(c.state, 'open');
      assert.equal(c.resolvedBy, null);
      assert.ok(Number.isInteger(c.n) && c.n > 0);
      const d = s.records.conflict(c.n);
      assert.equal(d.current, c.winner.value, 'the winner is what the table holds');
      assert.equal(d.rowPresent, true);
    }
    assert.equal(value(a, 'status', uuid), value(b, 'status', uuid), 'converged on the winner');
  } finally {
    cleanup();
  }
});

test('resolve --take-loser at A, bundle to B: B holds the loser value and both see the conflict resolved', async () => {
  const { dir, cleanup } = tempDir();
  try {
    const { a, b, uuid } = await conflicted(dir, 'status', 'found-A', 'found-B');
    const c = a.records.conflicts()[0]!;
    const loser = c.loser.value;
    assert.notEqual(value(a, 'status', uuid), loser);
    const r = a.records.resolveConflict(c.n, { keep: 'loser' });
    assert.equal(r.changes, 1, 'one ordinary local change');
    assert.equal(r.value, loser);
    assert.equal(value(a, 'status', uuid), loser);
    assert.equal(a.records.conflicts()[0]!.state, 'resolved');
    assert.equal(a.records.conflicts()[0]!.resolvedBy?.origin, 'N0AAA');
    assert.deepEqual(a.records.conflicts({ open: true }), []);

    const ex = exportBundle(a, ['N0BBB']);
    assert.equal(ex.rows, 1, 'the resolution travels as one row change');
    await importBundle(b, ex.bytes);
    assert.equal(value(b, 'status', uuid), loser, 'B holds the resolved value');
    const atB = b.records.conflicts();
    assert.equal(atB.length, 1, 'no new conflict: the resolution follows both values');
    assert.equal(atB[0]!.state, 'resolved');
    assert.deepEqual(atB[0]!.resolvedBy, a.records.conflicts()[0]!.resolvedBy);
  } finally {
    cleanup();
  }
});

test('resolve --keep-winner still syncs as an edit (the field is marked changed), and --value sets a given value', async () => {
  const { dir, cleanup } = tempDir();
  try {
    const { a, b, uuid } = await conflicted(dir, 'age', 41, 42);
    const c = b.records.conflicts()[0]!;
    const winner = value(b, 'age', uuid);
    const r = b.records.resolveConflict(c.n, { keep: 'winner' });
    assert.equal(r.changes, 1);
    assert.equal(value(b, 'age', uuid), winner);
    await sync(b, a);
    assert.equal(a.records.conflicts()[0]!.state, 'resolved', 'A learns B settled it');

    const { a: a2, b: b2, uuid: u2 } = await conflicted(sub(dir, 'two'), 'age', 41, 42);
    const c2 = a2.records.conflicts()[0]!;
    a2.records.resolveConflict(c2.n, { value: 43 });
    await sync(a2, b2);
    assert.equal(value(b2, 'age', u2), 43);
    assert.equal(value(a2, 'age', u2), 43);
  } finally {
    cleanup();
  }
});

test('bad resolutions are typed errors and write nothing', async () => {
  const { dir, cleanup } = tempDir();
  try {
    const { a, uuid } = await conflicted(dir, 'age', 41, 42);
    const c = a.records.conflicts()[0]!;
    const seq = () => a.records.versionVector()['N0AAA'];
    const before = seq() ?? 0;
    assert.equal(code(() => a.records.conflict(9999)), 'RS_ERR_STORE_CONFLICT_NOT_FOUND');
    assert.equal(code(() => a.records.resolveConflict(9999, { keep: 'loser' })), 'RS_ERR_STORE_CONFLICT_NOT_FOUND');
    assert.equal(code(() => a.records.resolveConflict(0, { keep: 'loser' })), 'RS_ERR_STORE_CONFLICT_NOT_FOUND');
    assert.equal(code(() => a.records.resolveConflict(c.n, { value: 'forty' })), 'RS_ERR_STORE_CONFLICT_BAD_VALUE', 'text in an INTEGER column');
    assert.equal(seq() ?? 0, before, 'a refused resolution records no change');
    assert.equal(value(a, 'age', uuid), c.winner.value, 'and leaves the value alone');
    a.records.db.prepare('DELETE FROM person WHERE uuid = ?').run(uuid);
    assert.equal(code(() => a.records.resolveConflict(c.n, { keep: 'loser' })), 'RS_ERR_STORE_CONFLICT_ROW_GONE');
    assert.equal(seq() ?? 0, before, 'the refused resolution rolled back (the delete is still to capture)');
    a.records.capture();
    assert.equal(seq(), before + 1, 'only the application\'s own delete is recorded');
  } finally {
    cleanup();
  }
});

test('a reference field resolves to the referenced row by UUID (given as text)', async () => {
  const { dir, cleanup } = tempDir();
  try {
    const [a] = makeStations(sub(dir, 'one'), ['N0AAA']);
    const shelters = a!.records.db.prepare('SELECT id, uuid FROM shelter WHERE deleted = 0 ORDER BY id LIMIT 3').all() as Array<{ id: number; uuid: string }>;
    const { a: a2, b: b2, uuid } = await conflicted(sub(dir, 'ref'), 'shelter_id', shelters[0]!.id, shelters[1]!.id);
    const c = a2.records.conflicts()[0]!;
    assert.equal(c.field, 'shelter_id');
    assert.ok(typeof c.loser.value === 'object' && c.loser.value !== null && '$uuid' in c.loser.value, 'a reference shows as {$uuid}');
    assert.equal(code(() => a2.records.resolveConflict(c.n, { value: '00000000-0000-4000-8000-000000000bad' })), 'RS_ERR_STORE_CONFLICT_BAD_VALUE');
    a2.records.resolveConflict(c.n, { value: shelters[2]!.uuid });
    await sync(a2, b2);
    const shelterAt = (s: Station) =>
      (s.records.db.prepare('SELECT s.uuid AS u FROM person p JOIN shelter s ON s.id = p.shelter_id WHERE p.uuid = ?').get(uuid) as { u: string }).u;
    assert.equal(shelterAt(a2), shelters[2]!.uuid);
    assert.equal(shelterAt(b2), shelters[2]!.uuid);
  } finally {
    cleanup();
  }
});


test('an edit-beats-delete conflict: --take-loser deletes the row everywhere, a value is refused', async () => {
  const { dir, cleanup } = tempDir();
  try {
    const [a, b] = makeStations(dir, ['N0AAA', 'N0BBB']);
    await sync(a!, b!);
    const uuid = (a!.records.db.prepare('SELECT uuid FROM person WHERE id NOT IN (SELECT requester_id FROM supply_request WHERE requester_id IS NOT NULL) ORDER BY id LIMIT 1').get() as { uuid: string }).uuid;
    a!.records.db.prepare('DELETE FROM person WHERE uuid = ?').run(uuid);
    b!.records.db.prepare(`UPDATE person SET notes = 'still here' WHERE uuid = ?`).run(uuid);
    await sync(a!, b!);
    await sync(b!, a!);
    const present = (s: Station) => s.records.db.prepare('SELECT 1 FROM person WHERE uuid = ?').get(uuid) !== undefined;
    assert.ok(present(a!) && present(b!), 'the edit kept the row at both');
    const c = b!.records.conflicts().find((x) => x.kind === 'delete');
    assert.ok(c, 'the delete is recorded as a conflict');
    assert.equal(c.id, uuid);
    assert.equal(c.loser.origin, 'N0AAA');
    assert.equal(code(() => b!.records.resolveConflict(c.n, { value: 1 })), 'RS_ERR_STORE_CONFLICT_BAD_VALUE');
    b!.records.resolveConflict(c.n, { keep: 'loser' });
    assert.ok(!present(b!));
    await sync(b!, a!);
    assert.ok(!present(a!), 'the resolution (a delete that saw the edit) removed the row at A too');
    assert.equal(b!.records.conflicts().find((x) => x.n === c.n)?.state, 'resolved');
    assert.ok(a!.records.conflicts().filter((x) => x.kind === 'delete').every((x) => x.state === 'resolved'));
  } finally {
    cleanup();
  }
});
