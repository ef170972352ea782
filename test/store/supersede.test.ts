import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { mergeRow, type HeldChange, type MergeContext, type RowState } from '../../src/store/merge.js';
import { supersededChanges } from '../../src/store/supersede.js';
import { fullContext } from '../../src/store/vv.js';
import type { VersionVector } from '../../src/changeset/Changeset.js';

const M: MergeContext = { policy: 'newer', localStation: 'A', table: 't', id: new Uint8Array(16) };
const STATIONS = ['A', 'B', 'C'];
const FIELDS = ['a', 'b', 'c'];

type Step = { kind: 'edit'; at: number; fields: string[]; value: number } | { kind: 'delete'; at: number } | { kind: 'sync'; from: number; to: number };

/** Run a causally valid history of one row at three stations; returns every station's held changes. */
function play(steps: Step[]): HeldChange[][] {
  const held: HeldChange[][] = STATIONS.map(() => []);
  const seq = new Map<string, number>();
  let hlc = 0;
  for (const s of steps) {
    if (s.kind === 'sync') {
      if (s.from === s.to) continue;
      for (const c of held[s.from]!) if (!held[s.to]!.includes(c)) held[s.to]!.push(c);
      continue;
    }
    const origin = STATIONS[s.at]!;
    const n = (seq.get(origin) ?? 0) + 1;
    seq.set(origin, n);
    // the change's context: per origin, the highest seq this station holds for the row
    const ctx: VersionVector = {};
    for (const c of held[s.at]!) ctx[c.origin] = Math.max(ctx[c.origin] ?? 0, c.seq);
    const fields = s.kind === 'edit' ? Object.fromEntries(s.fields.map((f) => [f, s.value])) : {};
    held[s.at]!.push({ origin, seq: n, hlc: BigInt(++hlc), kind: s.kind === 'edit' ? 'upsert' : 'delete', fields, ctx: fullContext({ origin, seq: n, ctx }) });
  }
  return held;
}

function view(st: RowState): unknown {
  return {
    alive: st.alive,
    values: [...st.values].map(([f, v]) => [f, v.value, v.change.origin, v.change.seq]).sort(),
    losses: st.losses.map((l) => [l.field, l.winner.origin, l.winner.seq, l.loser.origin, l.loser.seq]).sort(),
    deletedBy: st.deletedBy === null ? null : [st.deletedBy.origin, st.deletedBy.seq],
  };
}

const step: fc.Arbitrary<Step> = fc.oneof(
  fc.record({ kind: fc.constant('edit' as const), at: fc.integer({ min: 0, max: 2 }), fields: fc.subarray(FIELDS), value: fc.integer({ min: 0, max: 3 }) }),
  fc.record({ kind: fc.constant('delete' as const), at: fc.integer({ min: 0, max: 2 }) }),
  fc.record({ kind: fc.constant('sync' as const), from: fc.integer({ min: 0, max: 2 }), to: fc.integer({ min: 0, max: 2 }) }),
);

test('dropping superseded changes leaves every station\'s row as it was: existence, values and winners, losers, the deleting change (seed 1515)', () => {
  let dropped = 0;
  fc.assert(
    fc.property(fc.array(step, { maxLength: 40 }), (steps) => {
      for (const changes of play(steps)) {
        const gone = supersededChanges(changes);
        dropped += gone.size;
        const kept = changes.filter((c) => !gone.has(c));
        assert.deepEqual(view(mergeRow(kept, M)), view(mergeRow(changes, M)));
        // the row's context (per origin, the highest seq held) is unchanged
        const top = (l: HeldChange[]) => Object.fromEntries(STATIONS.map((o) => [o, Math.max(0, ...l.filter((c) => c.origin === o).map((c) => c.seq))]));
        assert.deepEqual(top(kept), top(changes));
      }
    }),
    { seed: 1515, numRuns: 500 },
  );
  assert.ok(dropped > 200, `the histories exercise the rule (${dropped} changes dropped)`);
});

test('a station editing one field every round keeps one change per field, not one per round', () => {
  const steps: Step[] = [{ kind: 'edit', at: 0, fields: ['a', 'b', 'c'], value: 0 }];
  for (let r = 1; r <= 20; r++) steps.push({ kind: 'edit', at: 0, fields: ['a'], value: r % 4 });
  const [a] = play(steps);
  const gone = supersededChanges(a!);
  assert.deepEqual(a!.filter((c) => !gone.has(c)).map((c) => c.seq), [1, 21]); // the insert still holds b and c
  // a delete keeps the values (an edit concurrent with it brings the row back), later deletes replace earlier ones
  const [b] = play([...steps, { kind: 'delete', at: 0 }, { kind: 'delete', at: 0 }]);
  const gone2 = supersededChanges(b!);
  assert.deepEqual(b!.filter((c) => !gone2.has(c)).map((c) => [c.seq, c.kind]), [[1, 'upsert'], [21, 'upsert'], [23, 'delete']]);
});
