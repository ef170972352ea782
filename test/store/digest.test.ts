import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import Database from 'better-sqlite3';
import { compareSummaries, decodeSummary, DIGEST_SUMMARY_BYTES, encodeSummary, hash64, LeafSet, rowLeafCount, rowLeaves, summarize, vvHash } from '../../src/store/digest.js';
import { STORE_DDL } from '../../src/store/schema.js';
import { LeafIblt, leafElement } from '../../src/store/leafIblt.js';
import { SyncRequester } from '../../src/sync/syncRequest.js';
import { ManualClock } from '../../src/clock/ManualClock.js';
import { parseHello, agreeBody, digestBody, nothingPendingBody, nothingPendingAgreeBody, syncRequestBody, agreeHash } from '../../src/sync/hello.js';
import { tableSize } from '../../src/sync/Repair.js';

function key(i: number): Uint8Array {
  const b = Buffer.alloc(16);
  b.writeUInt32BE(i, 0);
  b.writeUInt32BE(i * 7919, 4);
  b.writeUInt32BE(i ^ 0x5a5a5a5a, 8);
  return new Uint8Array(b);
}

function set(n: number, tweak: (i: number) => string = () => ''): LeafSet {
  const s = new LeafSet();
  for (let i = 0; i < n; i++) s.add(key(i), hash64(`row ${i}${tweak(i)}`));
  return s;
}

test('set roots do not depend on the order leaves were added, and change when one leaf changes', () => {
  const a = set(500);
  const b = new LeafSet();
  for (let i = 499; i >= 0; i--) b.add(key(i), hash64(`row ${i}`));
  assert.deepEqual(a.root(), b.root());
  const c = set(500, (i) => (i === 321 ? ' edited' : ''));
  assert.notDeepEqual(a.root(), c.root());
  const d = set(499);
  assert.notDeepEqual(a.root(), d.root());
});

test('the summary is 34 bytes, round-trips, and anything else is not a summary', () => {
  const s = summarize({ vv: { N0AAA: 3, N0BBB: 7 }, folders: true, rows: set(10), files: set(2) });
  const bytes = encodeSummary(s);
  assert.equal(bytes.length, DIGEST_SUMMARY_BYTES);
  assert.deepEqual(decodeSummary(bytes), s);
  assert.equal(decodeSummary(bytes.subarray(1)), undefined);
  const bad = bytes.slice();
  bad[0] = 2;
  assert.equal(decodeSummary(bad), undefined);
  assert.deepEqual(vvHash({ A: 1, B: 0 }), vvHash({ A: 1 }), 'zero entries do not count');
  assert.ok(compareSummaries(s, s).inSync);
  const other = summarize({ vv: { N0AAA: 3 }, folders: true, rows: set(10, (i) => (i === 2 ? 'x' : '')), files: set(2) });
  assert.deepEqual(compareSummaries(s, other), { inSync: false, rowsDiffer: true, filesDiffer: false, vvDiffer: true });
  const noFolders = summarize({ vv: {}, folders: false, rows: set(10), files: new LeafSet() });
  assert.equal(compareSummaries(s, noFolders).filesDiffer, false, 'files compare only when both have folders');
});

test('IBLT: one differing leaf among 100,000 decodes from a 12-cell table (206 bytes)', () => {
  const a = set(100_000);
  const b = set(100_000, (i) => (i === 54_321 ? ' at B' : ''));
  const m = tableSize(2 * Math.abs(a.count - b.count) + 4);
  const ta = new LeafIblt(m).addLeaves(a.leaves.values());
  const wire = ta.encode();
  assert.equal(wire.length, 2 + 17 * 12);
  const d = LeafIblt.decodeWire(wire)!.subtract(new LeafIblt(m).addLeaves(b.leaves.values())).decode();
  assert.ok(d, 'decoded');
  assert.equal(d.plus.length, 1);
  assert.equal(d.minus.length, 1);
  assert.equal(d.plus[0]!.key8, leafElement({ key: key(54_321), value: 0n }).key8);
});

test('IBLT property: a decoded difference is always exact, and tables sized by tableSize(·, 4) almost always decode (seed 1307)', () => {
  let failures = 0;
  let runs = 0;
  fc.assert(
    fc.property(fc.integer({ min: 0, max: 300 }), fc.uniqueArray(fc.integer({ min: 0, max: 999 }), { maxLength: 8 }), fc.uniqueArray(fc.integer({ min: 1000, max: 1100 }), { maxLength: 4 }), (base, changed, extra) => {
      runs++;
      const a = set(1000);
      const b = set(1000, (i) => (changed.includes(i) ? ` ${base}` : ''));
      for (const e of extra) b.add(key(e), hash64(`extra ${e}`));
      const m = tableSize(2 * changed.length + extra.length, 4);
      const ta = LeafIblt.decodeWire(new LeafIblt(m).addLeaves(a.leaves.values()).encode())!;
      const d = ta.subtract(new LeafIblt(m).addLeaves(b.leaves.values())).decode();
      if (!d) {
        failures++; // a table too small for this draw: the repair sends a 4× larger one
        return;
      }
      const k8 = (i: number) => leafElement({ key: key(i), value: 0n }).key8;
      assert.deepEqual(d.plus.map((e) => e.key8).sort(), changed.map(k8).sort(), 'A-only versions');
      assert.deepEqual(d.minus.map((e) => e.key8).sort(), [...changed, ...extra].map(k8).sort(), 'B-only versions');
    }),
    { seed: 1307, numRuns: 100 },
  );
  assert.ok(failures <= 5, `${failures} of ${runs} tables did not decode`);
});

test('an IBLT too small for the difference says so (undefined), never a wrong answer', () => {
  const a = set(2000);
  const b = set(2000, (i) => (i % 10 === 0 ? ' changed' : ''));
  const d = new LeafIblt(4).addLeaves(a.leaves.values()).subtract(new LeafIblt(4).addLeaves(b.leaves.values())).decode();
  assert.equal(d, undefined);
  assert.equal(LeafIblt.decodeWire(new Uint8Array(5)), undefined);
});

test('HELLO bodies: N carries a summary, D a summary and the ask flag, Q an 8-byte hash; junk parses as unknown', () => {
  const s = new Uint8Array(DIGEST_SUMMARY_BYTES).fill(3);
  s[0] = 1;
  assert.deepEqual(parseHello(nothingPendingBody(s)), { kind: 'nothing-pending', summary: s });
  assert.deepEqual(parseHello(digestBody(s, true)), { kind: 'digest', summary: s, ask: true });
  assert.deepEqual(parseHello(agreeBody(s)), { kind: 'agree', hash: agreeHash(s) });
  assert.equal(agreeBody(s).length, 9);
  assert.equal(parseHello(Uint8Array.of(0x44, 1, 2)).kind, 'unknown');
  assert.equal(parseHello(Uint8Array.of(0x51)).kind, 'unknown');
  // N ‖ h (agreeing), and S ‖ h ‖ flags: only bit 0 may be set
  assert.deepEqual(parseHello(nothingPendingAgreeBody(agreeHash(s))), { kind: 'nothing-pending', summary: undefined, agree: agreeHash(s) });
  assert.deepEqual(parseHello(syncRequestBody(s, true)), { kind: 'sync-request', hash: agreeHash(s), idle: true });
  assert.deepEqual(parseHello(syncRequestBody(s, false)), { kind: 'sync-request', hash: agreeHash(s), idle: false });
  assert.equal(parseHello(Uint8Array.of(0x53, ...agreeHash(s), 2)).kind, 'unknown');
  assert.equal(parseHello(Uint8Array.of(0x53, ...agreeHash(s))).kind, 'unknown');
});

test('sync requests repeat with back-off (10, 20, 40 … s, at most 160 s) until answered or the deadline', () => {
  const clock = new ManualClock(0);
  const sent: number[] = [];
  const r = new SyncRequester(clock, () => sent.push(clock.now()));
  r.request('N0BBB', 400_000);
  clock.advance(400_000);
  assert.deepEqual(sent, [0, 10_000, 30_000, 70_000, 150_000, 310_000]);
  const sent2: number[] = [];
  const r2 = new SyncRequester(clock, () => sent2.push(clock.now()));
  r2.request('N0BBB', Number.POSITIVE_INFINITY);
  clock.advance(15_000);
  assert.equal(r2.answered('N0BBB'), true);
  clock.advance(1_000_000);
  assert.equal(sent2.length, 2, 'nothing after the answer');
  assert.equal(r2.answered('N0BBB'), false, 'no request outstanding any more');
});

test('rowLeafCount gives the count and root of rowLeaves without keeping the leaves (a real log, several origins)', () => {
  const db = new Database(':memory:');
  db.exec(STORE_DDL);
  const ins = db.prepare('INSERT INTO radiosync_log(origin, seq, tbl, id, hlc, kind, fields, ctx, received) VALUES (?, ?, ?, ?, ?, ?, NULL, NULL, 0)');
  const empty = rowLeafCount(db);
  assert.equal(empty.count, 0);
  assert.deepEqual(empty.root(), rowLeaves(db).root());
  for (let i = 0; i < 300; i++) {
    // rows edited by one to three origins, in two tables, plus `@files` rows (not row leaves)
    ins.run('N0AAA', i + 1, i % 3 === 0 ? 'b' : 'a', Buffer.from(key(i % 120)), 1000 + i, 'upsert');
    if (i % 4 === 0) ins.run('N0BBB', i + 1, i % 3 === 0 ? 'b' : 'a', Buffer.from(key(i % 120)), 5000 + i, i % 8 === 0 ? 'delete' : 'upsert');
    if (i % 10 === 0) ins.run('N0CCC', i + 1, '@files', Buffer.from(key(i)), 9000 + i, 'upsert');
  }
  const full = rowLeaves(db);
  const counted = rowLeafCount(db);
  assert.equal(full.count, 120); // 120 ids, each in one table; `@files` rows are not row leaves
  assert.equal(counted.count, full.count);
  assert.equal(counted.xor, full.xor);
  assert.deepEqual(counted.root(), full.root());
  ins.run('N0BBB', 999, 'a', Buffer.from(key(7)), 1, 'upsert');
  assert.notDeepEqual(rowLeafCount(db).root(), counted.root());
});

test('a store opened with the old (tbl, id) log index gets the covering one, and the digest reads the index alone', async () => {
  const { makeStations, tempDir } = await import('../sync/stations.js');
  const { Station } = await import('../../src/station/Station.js');
  const { join } = await import('node:path');
  const { dir, cleanup } = tempDir('radiosync-digest-index-');
  try {
    const [a] = makeStations(dir, ['N0AAA']);
    const before = rowLeafCount(a!.records.db);
    a!.close();
    // what a store made before this index looked like
    const old = new Database(join(dir, 'N0AAA.sqlite'));
    old.exec('DROP INDEX radiosync_log_leaf; CREATE INDEX radiosync_log_row ON radiosync_log(tbl, id)');
    old.close();
    const s = Station.open(join(dir, 'N0AAA'), { env: {} });
    try {
      const names = (s.records.db.prepare(`SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'radiosync_log'`).all() as Array<{ name: string }>).map((r) => r.name);
      assert.ok(names.includes('radiosync_log_leaf'), names.join());
      assert.ok(!names.includes('radiosync_log_row'), names.join());
      const plan = (s.records.db.prepare(`EXPLAIN QUERY PLAN SELECT tbl, id, origin, seq, hlc FROM radiosync_log WHERE tbl <> ? ORDER BY tbl, id, origin, seq`).all('@files') as Array<{ detail: string }>).map((r) => r.detail).join('; ');
      assert.match(plan, /COVERING INDEX radiosync_log_leaf/);
      assert.doesNotMatch(plan, /TEMP B-TREE/);
      const after = rowLeafCount(s.records.db);
      assert.equal(after.count, before.count);
      assert.deepEqual(after.root(), before.root());
    } finally {
      s.close();
    }
  } finally {
    cleanup();
  }
});

test('property: rowLeafCount (leaf texts built by SQLite) equals rowLeaves (built in JS) on random logs, huge stamps and seqs included', () => {
  fc.assert(
    fc.property(
      fc.array(fc.record({
        origin: fc.constantFrom('N0AAA', 'N0BBB', 'W1X/P', 'N0AA'),
        seq: fc.oneof(fc.integer({ min: 1, max: 50 }), fc.constant(2 ** 48 - 1)),
        tbl: fc.constantFrom('a', 'b', '@files', 'a b', 'é'),
        id: fc.integer({ min: 0, max: 12 }),
        hlc: fc.oneof(fc.bigInt({ min: 0n, max: 10n ** 6n }), fc.bigInt({ min: 2n ** 62n, max: 2n ** 63n - 1n })),
      }), { maxLength: 60 }),
      (rows) => {
        const db = new Database(':memory:');
        db.exec(STORE_DDL);
        const ins = db.prepare('INSERT OR IGNORE INTO radiosync_log(origin, seq, tbl, id, hlc, kind, fields, ctx, received) VALUES (?, ?, ?, ?, ?, ?, NULL, NULL, 0)');
        for (const r of rows) ins.run(r.origin, r.seq, r.tbl, Buffer.from(key(r.id)), r.hlc, 'upsert');
        const full = rowLeaves(db);
        const counted = rowLeafCount(db);
        assert.equal(counted.count, full.count);
        assert.equal(counted.xor, full.xor);
        db.close();
      },
    ),
    { seed: 1204, numRuns: 200 },
  );
});
