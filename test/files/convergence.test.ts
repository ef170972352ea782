import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, renameSync, unlinkSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import fc from 'fast-check';
import { syncOnce, type FilesBundle } from '../../src/files/FolderReplica.js';
import { cleanupTemp, makeStation, put, snapshot, TestClock } from './helpers.js';

after(cleanupTemp);

const PATHS = ['a.txt', 'b.txt', 'd/c.txt', 'd/e/f.txt'];

type Op =
  | { t: 'write'; s: number; p: number; v: number }
  | { t: 'delete'; s: number; p: number }
  | { t: 'rename'; s: number; p: number; q: number }
  | { t: 'sync'; from: number; to: number }
  | { t: 'replay'; to: number };

const op: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ t: fc.constant('write' as const), s: fc.nat(2), p: fc.nat(3), v: fc.nat(5) }),
  fc.record({ t: fc.constant('delete' as const), s: fc.nat(2), p: fc.nat(3) }),
  fc.record({ t: fc.constant('rename' as const), s: fc.nat(2), p: fc.nat(3), q: fc.nat(3) }),
  fc.record({ t: fc.constant('sync' as const), from: fc.nat(2), to: fc.nat(2) }),
  fc.record({ t: fc.constant('replay' as const), to: fc.nat(2) }),
);

/** Stations 0 and 1 only talk to 2 (the relay). */
function linked(a: number, b: number): boolean {
  return a !== b && (a === 2 || b === 2);
}

test('folders converge across 3 stations through a relay: random edits, deletes, renames, replays (property, fixed seed)', async () => {
  await fc.assert(
    fc.asyncProperty(fc.array(op, { minLength: 5, maxLength: 25 }), async (ops) => {
      const clock = new TestClock();
      const st = [makeStation('N0AAA', clock), makeStation('N0BBB', clock), makeStation('N0CCC', clock)];
      const sent: Array<{ to: number; bundle: FilesBundle }> = [];
      for (const o of ops) {
        clock.advance(1000);
        if (o.t === 'write') put(st[o.s]!.root, PATHS[o.p]!, `v${o.v} from ${o.s}\n`);
        else if (o.t === 'delete') {
          const f = join(st[o.s]!.root, PATHS[o.p]!);
          if (existsSync(f)) unlinkSync(f);
        } else if (o.t === 'rename') {
          const f = join(st[o.s]!.root, PATHS[o.p]!);
          const g = join(st[o.s]!.root, PATHS[o.q]!);
          if (existsSync(f) && !existsSync(g)) {
            mkdirSync(dirname(g), { recursive: true });
            renameSync(f, g);
          }
        } else if (o.t === 'sync' && linked(o.from, o.to)) {
          const { bundle } = await syncOnce(st[o.from]!.replica, st[o.to]!.replica);
          sent.push({ to: o.to, bundle });
        } else if (o.t === 'replay' && sent.length > 0) {
          const old = sent[o.to % sent.length]!; // a duplicate, possibly stale, delivery
          await st[old.to]!.replica.receive(old.bundle);
        }
      }
      for (let round = 0; round < 6; round++) {
        for (const [x, y] of [[0, 2], [2, 0], [1, 2], [2, 1]] as const) await syncOnce(st[x]!.replica, st[y]!.replica);
      }
      const s0 = snapshot(st[0]!.root);
      assert.deepEqual(snapshot(st[1]!.root), s0);
      assert.deepEqual(snapshot(st[2]!.root), s0);
      for (const s of st) {
        await s.replica.scan();
        assert.equal(s.replica.bundleFor(s.name === 'N0CCC' ? 'N0AAA' : 'N0CCC').rows.length, 0, 'quiescent');
      }
    }),
    { seed: 42, numRuns: 12 },
  );
});
