import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { Budget, DAY_MS, HOUR_MS, type BudgetState } from '../../src/schedule/Budget.js';
import { isRadiosyncError } from '../../src/errors/RadiosyncError.js';

const T0 = Date.UTC(2026, 0, 1);

test('per-peer and global byte limits per hour; retryAt when the spend rolls out', () => {
  const b = new Budget({ global: { bytesPerHour: 10_000 }, perPeer: { bytesPerHour: 4_000 } });
  assert.equal(b.canSpend('A', 4_000, 0, T0).ok, true);
  b.record('A', 4_000, 0, T0);
  const c = b.canSpend('A', 1, 0, T0 + 1000);
  assert.equal(c.ok, false);
  if (!c.ok) {
    assert.equal(c.denial.scope, 'peer');
    assert.equal(c.denial.peer, 'A');
    assert.equal(c.denial.metric, 'bytes');
    assert.equal(c.denial.window, 'hour');
    assert.equal(c.denial.retryAt, T0 + 60_000 + HOUR_MS);
    assert.equal(b.canSpend('A', 1, 0, c.denial.retryAt).ok, true);
    assert.equal(b.canSpend('A', 1, 0, c.denial.retryAt - 1).ok, false);
  }
  assert.equal(b.canSpend('B', 4_000, 0, T0).ok, true);
  b.record('B', 4_000, 0, T0);
  const g = b.canSpend('C', 2_001, 0, T0);
  assert.equal(g.ok, false);
  if (!g.ok) assert.equal(g.denial.scope, 'global');
  assert.equal(b.remaining(T0).bytesHour, 2_000);
  assert.equal(b.remaining(T0, 'A').bytesHour, 0);
  assert.equal(b.remaining(T0).bytesDay, Infinity);
});

test('airtime limits per day, per-callsign override, and a request larger than the limit never fits', () => {
  const b = new Budget({ perPeer: { airtimeSecPerDay: 60 }, peers: { VIP: { airtimeSecPerDay: 600 } } });
  b.record('A', 0, 59_000, T0);
  assert.equal(b.canSpend('A', 0, 1_000, T0).ok, true);
  assert.equal(b.canSpend('A', 0, 1_001, T0).ok, false);
  assert.equal(b.canSpend('VIP', 0, 500_000, T0).ok, true);
  const never = b.canSpend('A', 0, 61_000, T0 + 2 * DAY_MS);
  assert.equal(never.ok, false);
  if (!never.ok) assert.equal(never.denial.retryAt, Infinity);
});

test('state survives a JSON round trip and old buckets are pruned', () => {
  const b = new Budget({ global: { bytesPerDay: 1000 } });
  b.record('A', 600, 10, T0);
  const s = JSON.parse(JSON.stringify(b.toState(T0))) as BudgetState;
  const b2 = Budget.fromState({ global: { bytesPerDay: 1000 } }, s);
  assert.equal(b2.canSpend('A', 401, 0, T0 + HOUR_MS).ok, false);
  assert.equal(b2.canSpend('A', 400, 0, T0 + HOUR_MS).ok, true);
  const later = b2.toState(T0 + DAY_MS + 60_000);
  assert.deepEqual(later.global, []);
  assert.deepEqual(later.peers, {});
});

test('a saved state of another version is a typed error naming the version, not a RangeError', () => {
  const s = { ...new Budget().toState(T0), version: 99 } as unknown as BudgetState;
  assert.throws(() => Budget.fromState({}, s), (e) => isRadiosyncError(e, 'RS_ERR_BUDGET_STATE_UNSUPPORTED') && e.exit === 65 && e.data.version === 99);
});

test('property: spending only what canSpend allows never exceeds any exact rolling window', () => {
  fc.assert(
    fc.property(
      fc.array(
        fc.record({
          dt: fc.integer({ min: 0, max: 20 * 60_000 }),
          peer: fc.constantFrom('A', 'B', 'C'),
          bytes: fc.integer({ min: 1, max: 3000 }),
          air: fc.integer({ min: 1, max: 30_000 }),
        }),
        { minLength: 1, maxLength: 300 },
      ),
      (steps) => {
        const limits = {
          global: { bytesPerHour: 20_000, airtimeSecPerDay: 900 },
          perPeer: { bytesPerHour: 8_000, bytesPerDay: 40_000, airtimeSecPerHour: 120 },
        };
        const b = new Budget(limits);
        const log: Array<{ t: number; peer: string; bytes: number; air: number }> = [];
        let t = T0;
        for (const s of steps) {
          t += s.dt;
          if (b.canSpend(s.peer, s.bytes, s.air, t).ok) {
            b.record(s.peer, s.bytes, s.air, t);
            log.push({ t, peer: s.peer, bytes: s.bytes, air: s.air });
          }
        }
        // exact check at every spend: the window ending there
        for (const e of log) {
          const sum = (w: number, f: (x: (typeof log)[0]) => boolean, k: 'bytes' | 'air'): number =>
            log.filter((x) => x.t > e.t - w && x.t <= e.t && f(x)).reduce((a, x) => a + x[k], 0);
          assert.ok(sum(HOUR_MS, () => true, 'bytes') <= 20_000);
          assert.ok(sum(DAY_MS, () => true, 'air') <= 900_000);
          const mine = (x: (typeof log)[0]): boolean => x.peer === e.peer;
          assert.ok(sum(HOUR_MS, mine, 'bytes') <= 8_000);
          assert.ok(sum(DAY_MS, mine, 'bytes') <= 40_000);
          assert.ok(sum(HOUR_MS, mine, 'air') <= 120_000);
        }
      },
    ),
    { seed: 42, numRuns: 100 },
  );
});
