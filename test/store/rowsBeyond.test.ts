import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import Database from 'better-sqlite3';
import { STORE_DDL } from '../../src/store/schema.js';
import { rowsBeyond } from '../../src/store/rowsBeyond.js';

const ORIGINS = ['N0AAA', 'N0BBB', 'N0CCC/P'];

test('rowsBeyond counts the distinct rows (and `@files` rows apart) with a change the vector does not cover (seed 1515)', () => {
  fc.assert(
    fc.property(
      fc.array(fc.record({ origin: fc.constantFrom(...ORIGINS), tbl: fc.constantFrom('a', 'b', '@files'), row: fc.integer({ min: 0, max: 12 }) }), { maxLength: 60 }),
      fc.dictionary(fc.constantFrom(...ORIGINS), fc.integer({ min: 0, max: 30 })),
      (changes, vv) => {
        const db = new Database(':memory:');
        db.exec(STORE_DDL);
        const ins = db.prepare(`INSERT INTO radiosync_log(origin, seq, tbl, id, hlc, kind, received) VALUES (?, ?, ?, ?, 1, 'upsert', 0)`);
        const seqs = new Map<string, number>();
        const held: Array<{ origin: string; seq: number; tbl: string; row: number }> = [];
        for (const c of changes) {
          const seq = (seqs.get(c.origin) ?? 0) + 1;
          seqs.set(c.origin, seq);
          ins.run(c.origin, seq, c.tbl, Buffer.alloc(16, c.row));
          held.push({ ...c, seq });
        }
        for (const [o, s] of seqs) db.prepare('INSERT INTO radiosync_vv(origin, upto) VALUES (?, ?)').run(o, s);
        for (const which of ['rows', 'files'] as const) {
          const want = new Set(held.filter((h) => (which === 'files') === (h.tbl === '@files') && h.seq > (vv[h.origin] ?? 0)).map((h) => `${h.tbl}/${h.row}`));
          assert.equal(rowsBeyond(db, vv, which), want.size);
        }
        db.close();
      },
    ),
    { seed: 1515, numRuns: 200 },
  );
});
