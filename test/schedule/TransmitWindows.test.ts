import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TransmitWindows } from '../../src/schedule/TransmitWindows.js';
import { isRadiosyncError } from '../../src/errors/RadiosyncError.js';

const T0 = Date.UTC(2026, 0, 1); // midnight UTC, a Thursday
const MIN = 60_000;

test('ten minutes every two hours on the hour, UTC', () => {
  const w = new TransmitWindows([{ cron: '0 */2 * * *', durationMin: 10 }]);
  assert.equal(w.isOpen(T0), true);
  assert.equal(w.isOpen(T0 + 10 * MIN - 1), true);
  assert.equal(w.isOpen(T0 + 10 * MIN), false);
  assert.deepEqual(w.current(T0 + 5 * MIN), { start: T0, end: T0 + 10 * MIN });
  assert.deepEqual(w.nextWindow(T0 + 30 * MIN), { start: T0 + 120 * MIN, end: T0 + 130 * MIN });
  assert.equal(w.isOpen(T0 + 60 * MIN), false);
});

test('a timezone shifts the windows', () => {
  const w = new TransmitWindows([{ cron: '0 6 * * *', durationMin: 30 }], { timezone: 'America/New_York' });
  // 06:00 in New York in January is 11:00 UTC
  assert.deepEqual(w.nextWindow(T0), { start: T0 + 11 * 60 * MIN, end: T0 + 11 * 60 * MIN + 30 * MIN });
});

test('overlapping and touching windows merge', () => {
  const w = new TransmitWindows([
    { cron: '0 12 * * *', durationMin: 30 },
    { cron: '30 12 * * *', durationMin: 30 },
    { cron: '45 12 * * *', durationMin: 30 },
  ]);
  const noon = T0 + 12 * 60 * MIN;
  assert.deepEqual(w.current(noon + 10 * MIN), { start: noon, end: noon + 75 * MIN });
  assert.deepEqual(w.nextWindow(T0), { start: noon, end: noon + 75 * MIN });
});

test('no windows means always open; bad specs are typed errors naming the key', () => {
  const w = new TransmitWindows([]);
  assert.equal(w.alwaysOpen, true);
  assert.equal(w.isOpen(T0), true);
  assert.throws(
    () => new TransmitWindows([{ cron: 'every tuesday', durationMin: 10 }]),
    (e: unknown) => isRadiosyncError(e, 'RS_ERR_SCHEDULE_INVALID') && e.data.key === 'schedule.window[0].cron',
  );
  assert.throws(
    () => new TransmitWindows([{ cron: '* * * * *', durationMin: 0 }]),
    (e: unknown) => isRadiosyncError(e, 'RS_ERR_SCHEDULE_INVALID') && e.data.key === 'schedule.window[0].duration_min',
  );
  assert.throws(
    () => new TransmitWindows([{ cron: '* * * * *', durationMin: 5 }], { timezone: 'Mars/Olympus' }),
    (e: unknown) => isRadiosyncError(e, 'RS_ERR_SCHEDULE_INVALID'),
  );
});

test('property: isOpen agrees with current() and nextWindow() never starts in the past', async () => {
  const fc = (await import('fast-check')).default;
  const w = new TransmitWindows([
    { cron: '*/20 6-18 * * 1-5', durationMin: 5 },
    { cron: '0 0 * * 0', durationMin: 90 },
  ]);
  fc.assert(
    fc.property(fc.integer({ min: 0, max: 30 * 24 * 60 * 60_000 }), (dt) => {
      const now = T0 + dt;
      const cur = w.current(now);
      assert.equal(w.isOpen(now), cur !== undefined);
      if (cur) assert.ok(cur.start <= now && now < cur.end);
      const next = w.nextWindow(now)!;
      assert.ok(next.end > now);
      if (!cur) {
        assert.ok(next.start > now);
        // nothing is open between now and the next start
        assert.equal(w.isOpen(Math.floor((now + next.start) / 2)), false);
      }
    }),
    { seed: 42, numRuns: 300 },
  );
});
