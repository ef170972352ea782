import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { VersionVector } from '../../src/changeset/Changeset.js';
import { entryFields, entryId, type FileEntry } from '../../src/files/FileEntry.js';
import { resolveFileRow, type HeldFileChange } from '../../src/files/resolveFileRow.js';

const SHARE = 'docs';
const PATH = 'forms/a.txt';
const ID = entryId(SHARE, PATH);
const STATIONS = ['N0AAA', 'N0BBB', 'N0CCC'];

function entry(content: number): FileEntry {
  return { share: SHARE, path: PATH, type: 'file', mode: 0o644, mtime: 1_700_000_000_000 + content, size: 1, chunks: new Uint8Array([0, content]), target: '' };
}

type Op = { kind: 'edit' | 'delete' | 'merge'; at: number; from: number; content: number };

/** Simulate stations editing, deleting and merging one row; returns every change made (causal contexts included). */
function history(ops: Op[]): HeldFileChange[] {
  const held: HeldFileChange[][] = STATIONS.map(() => []);
  const seq = STATIONS.map(() => 0);
  const all: HeldFileChange[] = [];
  let hlc = 1n << 20n;
  for (const op of ops) {
    const s = op.at % STATIONS.length;
    if (op.kind === 'merge') {
      const from = op.from % STATIONS.length;
      for (const c of held[from]!) if (!held[s]!.includes(c)) held[s]!.push(c);
      continue;
    }
    const ctx: VersionVector = {};
    for (const c of held[s]!) ctx[c.origin] = Math.max(ctx[c.origin] ?? 0, c.seq);
    seq[s]!++;
    hlc += BigInt(1 + (op.content % 3)); // equal-ish stamps are possible across stations
    const c: HeldFileChange = {
      origin: STATIONS[s]!, seq: seq[s]!, hlc, kind: op.kind === 'edit' ? 'upsert' : 'delete',
      fields: op.kind === 'edit' ? entryFields(entry(op.content)) : {}, ctx,
    };
    if (op.kind === 'delete' && held[s]!.every((h) => h.kind === 'delete')) continue; // nothing to delete yet
    held[s]!.push(c);
    all.push(c);
  }
  return all;
}

const opArb = fc.record({
  kind: fc.constantFrom<'edit' | 'delete' | 'merge'>('edit', 'edit', 'delete', 'merge', 'merge'),
  at: fc.nat(2), from: fc.nat(2), content: fc.nat(200),
});

test('property: the resolved row depends only on the set of changes held, not their order', () => {
  fc.assert(
    fc.property(fc.array(opArb, { minLength: 1, maxLength: 25 }), fc.nat(), (ops, seed) => {
      const all = history(ops);
      const shuffled = [...all];
      let x = seed + 1;
      for (let i = shuffled.length - 1; i > 0; i--) {
        x = (x * 1103515245 + 12345) % 2147483648;
        const j = x % (i + 1);
        [shuffled[i], shuffled[j]] = [shuffled[j]!, shuffled[i]!];
      }
      const a = resolveFileRow(ID, all);
      const b = resolveFileRow(ID, shuffled);
      assert.deepEqual(b, a);
      if (a !== undefined) {
        // Edit beats delete: a delete wins only if no concurrent (uncovered) edit is on the frontier.
        const liveFrontier = all.filter((c) => c.kind === 'upsert' && !all.some((d) => d !== c && (d.ctx[c.origin] ?? 0) >= c.seq));
        assert.equal(a.winner.deleted, liveFrontier.length === 0);
      }
    }),
    { seed: 42, numRuns: 300 },
  );
});

test('concurrent edits: the higher HLC wins and the other is a conflict loser; an equal-content loser is not', () => {
  const base = { ctx: {}, kind: 'upsert' as const };
  const a: HeldFileChange = { ...base, origin: 'N0AAA', seq: 1, hlc: 10n, fields: entryFields(entry(1)) };
  const b: HeldFileChange = { ...base, origin: 'N0BBB', seq: 1, hlc: 20n, fields: entryFields(entry(2)) };
  const r = resolveFileRow(ID, [a, b])!;
  assert.equal(r.winner.origin, 'N0BBB');
  assert.deepEqual(r.losers.map((l) => l.origin), ['N0AAA']);
  assert.deepEqual(r.vv, { N0AAA: 1, N0BBB: 1 });
  const same: HeldFileChange = { ...a, fields: entryFields({ ...entry(2), mtime: 5 }) };
  assert.deepEqual(resolveFileRow(ID, [same, b])!.losers, []);
  // A version that names another path (a hostile or broken peer) is ignored.
  const wrong: HeldFileChange = { ...base, origin: 'N0CCC', seq: 1, hlc: 99n, fields: entryFields({ ...entry(3), path: 'elsewhere.txt' }) };
  assert.equal(resolveFileRow(ID, [a, wrong])!.winner.origin, 'N0AAA');
  // Only a delete of a row never held: nothing to resolve.
  assert.equal(resolveFileRow(ID, [{ origin: 'N0AAA', seq: 2, hlc: 5n, kind: 'delete', fields: {}, ctx: { N0AAA: 1 } }]), undefined);
});
