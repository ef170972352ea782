import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BurstPlanner } from '../../src/schedule/BurstPlanner.js';
import { Budget } from '../../src/schedule/Budget.js';
import { TransmitWindows } from '../../src/schedule/TransmitWindows.js';
import { planError, scheduleStatus } from '../../src/schedule/scheduleStatus.js';
import { EXIT, isRadiosyncError } from '../../src/errors/RadiosyncError.js';

const T0 = Date.UTC(2026, 0, 1);

test('status is plain JSON with the next window, budgets and next burst', () => {
  const p = new BurstPlanner({
    link: { bitrate: 1200 },
    windows: new TransmitWindows([{ cron: '0 12 * * *', durationMin: 30 }]),
    budget: new Budget({ perPeer: { bytesPerDay: 5000 } }),
  });
  const s = scheduleStatus(p, T0, ['N0CALL-3']);
  assert.equal(s.window.open, false);
  assert.equal(s.window.start, '2026-01-01T12:00:00.000Z');
  assert.equal(s.budget.peers['N0CALL-3']!.bytesDay, 5000);
  assert.equal(s.budget.global.bytesHour, null);
  assert.equal(s.nextBurst['N0CALL-3'], '2026-01-01T12:00:00.000Z');
  assert.deepEqual(JSON.parse(JSON.stringify(s)), s);
});

test('refused plans become typed TEMPFAIL errors naming the fix', () => {
  const p = new BurstPlanner({
    link: { bitrate: 1200 },
    windows: new TransmitWindows([{ cron: '0 12 * * *', durationMin: 30 }]),
    budget: new Budget({ perPeer: { bytesPerHour: 100 } }),
  });
  const w = planError(p.plan(T0, 'A'), 'A');
  assert.ok(isRadiosyncError(w, 'RS_ERR_OUTSIDE_WINDOW') && w.exit === EXIT.TEMPFAIL && w.message.includes('schedule.window'));
  const noon = T0 + 12 * 3_600_000;
  p.recordBurst('A', 100, 1000, noon);
  const b = planError(p.plan(noon + 1000, 'A'), 'A');
  assert.ok(isRadiosyncError(b, 'RS_ERR_BUDGET_EXHAUSTED'));
  assert.equal(b.data.key, 'budget.peer.bytes_per_hour');
  assert.ok(b.message.includes('budget.peer.bytes_per_hour'));
  assert.equal(planError(p.plan(noon, 'B', { wantBytes: 50 }), 'B'), undefined);
  // a budget smaller than one frame never fits a full frame: the error says so
  assert.ok(planError(p.plan(noon, 'B'), 'B')?.message.includes('never fit'));
});
