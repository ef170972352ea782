import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { mergeRow, type HeldChange, type MergeContext } from '../../src/store/merge.js';
import { fullContext } from '../../src/store/vv.js';

const M: MergeContext = { policy: 'newer', localStation: 'A', table: 't', id: new Uint8Array(16) };

function ch(origin: string, seq: number, hlc: number, kind: 'upsert' | 'delete', fields: Record<string, number | string> = {}, ctx = {}): HeldChange {
  return { origin, seq, hlc: BigInt(hlc), kind, fields, ctx: fullContext({ origin, seq, ctx }) };
}

test('different fields merge; same field: newer wins and the loser is reported', () => {
  const ins = ch('A', 1, 10, 'upsert', { a: 1, b: 1, c: 1 });
  const x = ch('A', 2, 20, 'upsert', { a: 2 }); // after ins (own history)
  const y = ch('B', 1, 25, 'upsert', { b: 3, a: 9 }, { A: 1 }); // saw ins, concurrent with x
  const st = mergeRow([ins, x, y], M);
  assert.equal(st.alive, true);
  assert.equal(st.values.get('a')!.value, 9);
  assert.equal(st.values.get('b')!.value, 3);
  assert.equal(st.values.get('c')!.value, 1);
  assert.deepEqual(st.losses.map((l) => [l.field, l.loser.origin, l.loser.seq]), [['a', 'A', 2]]);
});

test('a causally later edit wins even with a lower HLC (skewed clock ahead)', () => {
  const future = ch('A', 1, 1_000_000, 'upsert', { a: 1 });
  const later = ch('B', 1, 10, 'upsert', { a: 2 }, { A: 1 });
  const st = mergeRow([later, future], M);
  assert.equal(st.values.get('a')!.value, 2);
  assert.equal(st.losses.length, 0);
});

test('delete applies only when it saw every edit; a concurrent edit resurrects the whole row', () => {
  const ins = ch('A', 1, 10, 'upsert', { a: 1, b: 1 });
  const del = ch('B', 1, 20, 'delete', {}, { A: 1 });
  assert.equal(mergeRow([ins, del], M).alive, false);
  const edit = ch('C', 1, 15, 'upsert', { b: 5 }, { A: 1 }); // concurrent with the delete
  const st = mergeRow([del, edit, ins], M);
  assert.equal(st.alive, true);
  assert.equal(st.values.get('a')!.value, 1);
  assert.equal(st.values.get('b')!.value, 5);
  assert.equal(st.blockedDeletes.length, 1);
  assert.equal(st.blockedDeletes[0]!.del.origin, 'B');
});

test('policies: master wins, keep-local, take-remote, custom', () => {
  const ins = ch('A', 1, 10, 'upsert', { a: 0 });
  const a = ch('A', 2, 30, 'upsert', { a: 1 });
  const b = ch('B', 1, 20, 'upsert', { a: 2 }, { A: 1 });
  assert.equal(mergeRow([ins, a, b], { ...M, policy: { master: 'B' } }).values.get('a')!.value, 2);
  assert.equal(mergeRow([ins, a, b], { ...M, policy: 'keep-local', localStation: 'B' }).values.get('a')!.value, 2);
  assert.equal(mergeRow([ins, a, b], { ...M, policy: 'take-remote', localStation: 'A' }).values.get('a')!.value, 2);
  const smallest = mergeRow([ins, a, b], {
    ...M,
    policy: 'custom',
    resolver: (cands) => cands.reduce((best, c, i) => (Number(c.value) < Number(cands[best]!.value) ? i : best), 0),
  });
  assert.equal(smallest.values.get('a')!.value, 1);
  assert.equal(smallest.losses[0]!.loser.origin, 'B');
});

test('property: the merged state does not depend on the order of the changes', () => {
  const origins = ['A', 'B', 'C'];
  const arbChange = fc.record({
    o: fc.integer({ min: 0, max: 2 }),
    hlc: fc.integer({ min: 1, max: 50 }),
    del: fc.boolean(),
    field: fc.constantFrom('a', 'b'),
    value: fc.integer({ min: 0, max: 3 }),
    ctxA: fc.integer({ min: 0, max: 3 }),
    ctxB: fc.integer({ min: 0, max: 3 }),
  });
  fc.assert(
    fc.property(fc.array(arbChange, { minLength: 1, maxLength: 8 }), fc.integer(), (raw, shuffleSeed) => {
      const seqs = [0, 0, 0];
      const changes = raw.map((r) => {
        const origin = origins[r.o]!;
        const seq = ++seqs[r.o]!;
        return ch(origin, seq, r.hlc * 10 + r.o, r.del ? 'delete' : 'upsert', r.del ? {} : { [r.field]: r.value }, { A: r.ctxA, B: r.ctxB });
      });
      const shuffled = [...changes];
      let s = shuffleSeed >>> 0;
      for (let i = shuffled.length - 1; i > 0; i--) {
        s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
        const j = s % (i + 1);
        [shuffled[i], shuffled[j]] = [shuffled[j]!, shuffled[i]!];
      }
      const x = mergeRow(changes, M);
      const y = mergeRow(shuffled, M);
      assert.equal(x.alive, y.alive);
      assert.deepEqual(
        [...x.values].map(([k, v]) => [k, v.value]).sort(),
        [...y.values].map(([k, v]) => [k, v.value]).sort(),
      );
    }),
    { seed: 42, numRuns: 300 },
  );
});

test('property: one upsert alone (the fast path) merges as the general rule does (fixed seed)', () => {
  // the same change twice takes the general path and must give the same state
  fc.assert(
    fc.property(
      fc.constantFrom('A', 'B'), fc.integer({ min: 1, max: 1e6 }), fc.integer({ min: 0, max: 2 ** 40 }),
      fc.dictionary(fc.constantFrom('a', 'b', 'c', 'd'), fc.oneof(fc.integer(), fc.string())),
      fc.constantFrom<MergeContext['policy']>('newer', 'keep-local', 'take-remote', { master: 'B' }),
      (origin, seq, hlc, fields, policy) => {
        const u = ch(origin, seq, hlc, 'upsert', fields);
        const m = { ...M, policy };
        assert.deepEqual(mergeRow([u], m), mergeRow([u, u], m));
      },
    ),
    { seed: 1618, numRuns: 500 },
  );
});
