/**
 * apply.ts materialises a row new to the log from the change it has just stored, in hand, instead
 * of reading the row's history back (the fast path of a bulk load). The change in hand must be
 * exactly what the log gives back: checked here against a real store's `rowChanges` after a real
 * apply, for random changes (fast-check, fixed seed), every value type and context included.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { tempDir, makeStation } from './helpers.js';
import { heldFromChange, rowChanges, type StoreContext } from '../../src/store/StoreContext.js';
import { compactContext } from '../../src/store/vv.js';
import type { RowChange } from '../../src/changeset/Changeset.js';

const value = fc.oneof(
  fc.constant(null), fc.boolean(), fc.integer(), fc.double({ noNaN: true, noDefaultInfinity: true }), fc.constant(-0), fc.constant(2 ** 60),
  fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }), fc.bigInt({ min: -1000n, max: 1000n }), fc.string(), fc.uint8Array({ maxLength: 40 }),
);

test('a change in hand equals the change the log gives back (fixed seed)', () => {
  const { dir, cleanup } = tempDir();
  const st = makeStation(dir, 'A1');
  const ctx = (st.store as unknown as { ctx: StoreContext }).ctx;
  let seq = 0;
  let hlc = 1n << 40n;
  try {
    fc.assert(
      fc.property(
        fc.array(fc.record({
          id: fc.uint8Array({ minLength: 16, maxLength: 16 }),
          step: fc.bigInt({ min: 1n, max: 2n ** 40n }),
          kind: fc.constantFrom('upsert' as const, 'delete' as const),
          // names the table does not sync: held in the log and relayed, the same either way
          fields: fc.dictionary(fc.constantFrom('x_a', 'x_b', 'x_c', 'notes'), value, { maxKeys: 4 }),
          ctx: fc.option(fc.dictionary(fc.constantFrom('N0AAA', 'K1X', 'W2Y/P'), fc.integer({ min: 0, max: 1e9 })), { nil: undefined }),
        }), { minLength: 1, maxLength: 8 }),
        (raw) => {
          // an honest origin's stamps rise with its seqs (a stamp held back is merged from the log: holdBack.ts)
          const changes: RowChange[] = raw.map(({ step, ...r }) => ({ table: 'person', origin: 'N0ZZZ', seq: ++seq, hlc: (hlc += step), ...r, fields: r.kind === 'delete' ? {} : r.fields }));
          st.store.applyChangeset({ version: 1, from: 'N0ZZZ', to: ['A1'], created: 0, upto: {}, changes, chunks: [] });
          for (const c of changes) {
            const held = rowChanges(ctx, 'person', c.id).find((h) => h.origin === c.origin && h.seq === c.seq);
            assert.ok(held, 'stored');
            assert.deepEqual(heldFromChange(c, c.ctx === undefined ? undefined : compactContext(c.ctx, c.origin)), held);
          }
        },
      ),
      { seed: 2718, numRuns: 150 },
    );
  } finally {
    st.store.close();
    st.app.close();
    cleanup();
  }
});
