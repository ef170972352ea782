/**
 * Convergence property test: 3–5 stations, each its own SQLite file, write through plain SQL;
 * changesets are delivered in random order, duplicated, dropped, held back and redelivered, with
 * partitions (pairs that never talk until the end) and relays through intermediate stations, and
 * one station's clock 3 days ahead or behind. At the end every station holds identical tables, and
 * the delete-vs-edit and no-silent-loss rules hold.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { tempDir, makeStation, closeAll, assertSameTables, T0, type Station } from './helpers.js';
import { generateSampleApp } from '../../fixtures/gen/sampleApp.js';
import { ManualClock } from '../../src/clock/ManualClock.js';
import type { Changeset } from '../../src/changeset/Changeset.js';
import { heldFromLog } from '../../src/store/StoreContext.js';
import { covers } from '../../src/store/vv.js';
import { sameValue } from '../../src/store/values.js';
import { compareStamp } from '../../src/store/hlc.js';
import { bytesToUuid } from '../../src/store/uuid.js';

const NAMES = ['A1', 'B2', 'C3', 'D4', 'E5'];
const DAY = 86_400_000;
const tmp = tempDir('radiosync-conv-');
let seed = '';
let run = 0;

before(() => {
  const dir = join(tmp.dir, 'seed');
  mkdirSync(dir);
  const app = join(dir, 'small.sqlite');
  generateSampleApp(app, 40, 20); // the sample database, scaled down so each run is fast
  const s = makeStation(dir, 'A1', { seedFile: app });
  s.app.close();
  s.store.close();
  seed = s.file;
});
after(() => tmp.cleanup());

type Tbl = 0 | 1 | 2;
type Mode = 'deliver' | 'noack' | 'drop' | 'dup' | 'hold';
type Op =
  | { k: 'insert'; st: number; table: Tbl; v: number }
  | { k: 'update'; st: number; table: Tbl; row: number; field: number; v: number }
  | { k: 'delete'; st: number; table: Tbl; row: number }
  | { k: 'send'; from: number; to: number; mode: Mode }
  | { k: 'release'; idx: number }
  | { k: 'tick'; st: number; ms: number };

const TABLES = ['person', 'supply_request', 'shelter'] as const;
const FIELDS: Record<string, Array<[string, (v: number) => unknown]>> = {
  person: [['age', (v) => v % 4], ['notes', (v) => ['a', 'b', 'c'][v % 3]], ['status', (v) => ['found', 'missing'][v % 2]], ['shelter_id', () => 'fk']],
  supply_request: [['quantity', (v) => v % 5], ['status', (v) => ['open', 'delivered'][v % 2]], ['requester_id', () => 'fk']],
  shelter: [['name', (v) => `s${v % 3}`], ['population', (v) => v % 4]],
};

const tblArb = fc.constantFrom<Tbl>(0, 1, 2);
const opArb = (n: number): fc.Arbitrary<Op> =>
  fc.oneof(
    { weight: 3, arbitrary: fc.record({ k: fc.constant('insert' as const), st: fc.nat(n - 1), table: tblArb, v: fc.nat(99) }) },
    { weight: 6, arbitrary: fc.record({ k: fc.constant('update' as const), st: fc.nat(n - 1), table: tblArb, row: fc.nat(1000), field: fc.nat(3), v: fc.nat(99) }) },
    { weight: 2, arbitrary: fc.record({ k: fc.constant('delete' as const), st: fc.nat(n - 1), table: tblArb, row: fc.nat(1000) }) },
    { weight: 6, arbitrary: fc.record({ k: fc.constant('send' as const), from: fc.nat(n - 1), to: fc.nat(n - 1), mode: fc.constantFrom<Mode>('deliver', 'deliver', 'noack', 'drop', 'dup', 'hold') }) },
    { weight: 2, arbitrary: fc.record({ k: fc.constant('release' as const), idx: fc.nat(100) }) },
    { weight: 1, arbitrary: fc.record({ k: fc.constant('tick' as const), st: fc.nat(n - 1), ms: fc.integer({ min: 1, max: 120_000 }) }) },
  );

function pickRow(s: Station, table: string, row: number): { id: number | string; uuid: string } | undefined {
  const key = table === 'supply_request' ? 'uuid' : 'id';
  const rows = s.app.prepare(`SELECT ${key} AS id, uuid FROM ${table} ORDER BY uuid`).all() as Array<{ id: number | string; uuid: string }>;
  return rows.length === 0 ? undefined : rows[row % rows.length];
}

function appWrite(s: Station, op: Op, nextUuid: () => string): void {
  try {
    if (op.k === 'insert') {
      const t = TABLES[op.table];
      const u = nextUuid();
      if (t === 'person') {
        const sh = pickRow(s, 'shelter', op.v);
        s.app.prepare('INSERT INTO person(uuid, first_name, age, shelter_id) VALUES (?, ?, ?, ?)').run(u, `p${op.v}`, op.v % 4, sh?.id ?? null);
      } else if (t === 'supply_request') {
        const p = pickRow(s, 'person', op.v);
        s.app.prepare('INSERT INTO supply_request(uuid, requester_id, item, quantity, status) VALUES (?, ?, ?, ?, ?)').run(u, p?.id ?? null, 'rice', op.v % 5, 'open');
      } else {
        s.app.prepare('INSERT INTO shelter(uuid, name, population) VALUES (?, ?, ?)').run(u, `s${op.v % 3}`, op.v % 4);
      }
    } else if (op.k === 'update') {
      const t = TABLES[op.table];
      const r = pickRow(s, t, op.row);
      if (r === undefined) return;
      const fields = FIELDS[t]!;
      const [f, val] = fields[op.field % fields.length]!;
      let v = val(op.v);
      if (v === 'fk') v = t === 'person' ? (pickRow(s, 'shelter', op.v)?.id ?? null) : (pickRow(s, 'person', op.v)?.id ?? null);
      const key = t === 'supply_request' ? 'uuid' : 'id';
      s.app.prepare(`UPDATE ${t} SET ${f} = ? WHERE ${key} = ?`).run(v, r.id);
    } else if (op.k === 'delete') {
      const t = TABLES[op.table];
      const r = pickRow(s, t, op.row);
      if (r === undefined) return;
      s.app.prepare(`DELETE FROM ${t} WHERE uuid = ?`).run(r.uuid);
    }
  } catch (e) {
    // The application's own constraint errors (e.g. deleting a person a request still points at).
    if (!String((e as { code?: string }).code ?? '').startsWith('SQLITE_CONSTRAINT')) throw e;
  }
}

type Held = ReturnType<typeof heldFromLog>;

/** Delete-vs-edit and no-silent-loss, checked against the union log (identical at every station by now). */
function checkRules(stations: Station[]): void {
  const rows = stations[0]!.store.db
    .prepare('SELECT origin, seq, tbl, id, hlc, kind, fields, ctx FROM radiosync_log')
    .safeIntegers(true)
    .all() as Array<Parameters<typeof heldFromLog>[0] & { tbl: string; id: Uint8Array }>;
  const byRow = new Map<string, { tbl: string; uuid: string; changes: Held[] }>();
  for (const r of rows) {
    const key = `${r.tbl}:${Buffer.from(r.id).toString('hex')}`;
    let e = byRow.get(key);
    if (e === undefined) byRow.set(key, (e = { tbl: r.tbl, uuid: bytesToUuid(r.id), changes: [] }));
    e.changes.push(heldFromLog(r));
  }
  for (const s of stations) {
    const conflicts = new Set(
      (s.store.db.prepare('SELECT tbl, id, field, loser_origin, loser_seq FROM radiosync_conflict').all() as Array<Record<string, unknown>>).map(
        (c) => `${String(c['tbl'])}:${Buffer.from(c['id'] as Uint8Array).toString('hex')}:${String(c['field'])}:${String(c['loser_origin'])}:${String(c['loser_seq'])}`,
      ),
    );
    for (const [key, { tbl, uuid, changes }] of byRow) {
      const ups = changes.filter((c) => c.kind === 'upsert');
      const dels = changes.filter((c) => c.kind === 'delete');
      // Delete vs edit: the row exists iff some edit was seen by no delete.
      const alive = ups.some((u) => !dels.some((d) => covers(d.ctx, u)));
      const row = s.app.prepare(`SELECT ${tbl === 'shelter' ? 'deleted' : '0'} AS d FROM ${tbl} WHERE uuid = ?`).get(uuid) as { d: number } | undefined;
      assert.equal(row !== undefined && row.d === 0, alive, `${s.name} ${tbl} ${uuid} alive=${alive}`);
      for (const d of dels) {
        if (ups.some((u) => !covers(d.ctx, u))) {
          assert.ok(conflicts.has(`${key}::${d.origin}:${d.seq}`), `${s.name}: delete ${d.origin}:${d.seq} outlived by an edit is recorded`);
        }
      }
      // No silent loss: a concurrent value that did not win is in the conflicts table.
      for (const f of new Set(ups.flatMap((u) => Object.keys(u.fields)))) {
        const setters = ups.filter((u) => f in u.fields);
        const maximal = setters.filter((a) => !setters.some((b) => b !== a && covers(b.ctx, a)));
        const winner = [...maximal].sort(compareStamp).pop()!;
        for (const l of maximal) {
          if (l === winner || sameValue(l.fields[f] ?? null, winner.fields[f] ?? null)) continue;
          assert.ok(conflicts.has(`${key}:${f}:${l.origin}:${l.seq}`), `${s.name}: lost value of ${f} from ${l.origin}:${l.seq} is recorded`);
        }
      }
    }
  }
}

function scenario(n: number, skew: number, ops: Op[], partition: number): void {
  run++;
  const dir = join(tmp.dir, `run${run}`);
  mkdirSync(dir);
  const stations = NAMES.slice(0, n).map((name, i) =>
    makeStation(dir, name, { seedFile: seed, clock: new ManualClock(T0 + (i === n - 1 ? skew : 0)) }),
  );
  let counter = 0;
  const nextUuid = () => `f0000000-0000-4000-8000-${String(++counter).padStart(12, '0')}`;
  const held: Array<{ cs: Changeset; from: Station; to: Station }> = [];
  const deliver = (cs: Changeset, from: Station, to: Station, ack: boolean) => {
    const r = to.store.applyChangeset(cs);
    if (ack) from.store.acknowledge(to.name, r.ack);
  };
  try {
    for (const op of ops) {
      if (op.k === 'send') {
        if (op.from === op.to) continue;
        // Partition: the first and the last station never talk directly until the end (relays only).
        if (partition === 1 && ((op.from === 0 && op.to === n - 1) || (op.to === 0 && op.from === n - 1))) continue;
        const from = stations[op.from]!;
        const to = stations[op.to]!;
        const cs = from.store.buildChangeset(to.name, { maxChanges: 7 });
        if (op.mode === 'drop') continue;
        if (op.mode === 'hold') held.push({ cs, from, to });
        else {
          deliver(cs, from, to, op.mode !== 'noack');
          if (op.mode === 'dup') deliver(cs, from, to, true);
        }
      } else if (op.k === 'release') {
        if (held.length === 0) continue;
        const [h] = held.splice(op.idx % held.length, 1);
        deliver(h!.cs, h!.from, h!.to, true);
      } else if (op.k === 'tick') {
        stations[op.st]!.clock.advance(op.ms);
      } else {
        appWrite(stations[op.st]!, op, nextUuid);
      }
    }
    // Heal: late deliveries (stale, out of order), then full rounds until nothing is left to send.
    for (const h of held.reverse()) deliver(h.cs, h.from, h.to, true);
    for (let round = 0; round < 2 * n + 2; round++) {
      let moved = 0;
      for (const from of stations) {
        for (const to of stations) {
          if (from === to) continue;
          const cs = from.store.buildChangeset(to.name, { maxChanges: 50 });
          if (cs.changes.length === 0) continue;
          moved += cs.changes.length;
          deliver(cs, from, to, true);
        }
      }
      if (moved === 0) break;
    }
    const vv = stations[0]!.store.versionVector();
    for (const s of stations) {
      assert.deepEqual(s.store.versionVector(), vv, `${s.name} holds every change`);
      assert.deepEqual(s.store.parked(), [], `${s.name} has nothing parked`);
      assertSameTables(stations[0]!, s);
    }
    checkRules(stations);
    if (skew !== 0) {
      // The skewed station never dragged another station's clock beyond the drift bound.
      for (const s of stations.slice(0, -1)) {
        const h = s.store.db.prepare(`SELECT value FROM radiosync_meta WHERE key = 'hlc'`).safeIntegers(true).get() as { value: bigint };
        assert.ok(Number(h.value >> 16n) <= s.clock.now() + 10 * 60_000 + 1, `${s.name} clock not dragged`);
      }
    }
  } finally {
    closeAll(stations);
  }
}

test('property: stations converge under reordering, duplication, loss, partitions, relays and clock skew', () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 3, max: 5 }).chain((n) =>
        fc.tuple(fc.constant(n), fc.constantFrom(0, 3 * DAY, -3 * DAY), fc.array(opArb(n), { minLength: 10, maxLength: 70 }), fc.nat(1)),
      ),
      ([n, skew, ops, partition]) => scenario(n, skew, ops, partition),
    ),
    { seed: 42, numRuns: 25 },
  );
});

test('relay A → B → C, and a USB stick to a station never on air', () => {
  run++;
  const dir = join(tmp.dir, `relay${run}`);
  mkdirSync(dir);
  const [a, b, c] = ['A1', 'B2', 'C3'].map((name) => makeStation(dir, name, { seedFile: seed })) as [Station, Station, Station];
  try {
    a.app.prepare(`UPDATE person SET notes = 'from A' WHERE id = 1`).run();
    b.store.applyChangeset(a.store.buildChangeset('B2'));
    const stick = b.store.buildChangeset('C3', { acked: {} }); // C never acknowledged anything
    c.store.applyChangeset(stick);
    assertSameTables(a, c);
    assert.equal(c.store.versionVector()['A1'], a.store.versionVector()['A1']);
  } finally {
    closeAll([a, b, c]);
  }
});
