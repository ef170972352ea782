import { test } from 'node:test';
import assert from 'node:assert/strict';
import { defaultConfig } from '../../src/config/defaultConfig.js';
import { plannerFromConfig } from '../../src/schedule/fromConfig.js';

const T0 = Date.UTC(2026, 0, 1);

test('plannerFromConfig wires windows, duty cycle, budgets and beacons from the config', () => {
  const cfg = defaultConfig({
    callsign: 'N0CALL-1',
    overrides: {
      'schedule.window': [{ cron: '0 * * * *', duration_min: 10 }],
      'schedule.duty_cycle_pct': 10,
      'schedule.beacon_interval_s': 300,
      'budget.peers': { 'N0CALL-3': { bytes_per_hour: 500 } },
      'radio.frame_bytes': 100,
    },
  });
  const p = plannerFromConfig(cfg);
  assert.equal(p.frameBytes, 100);
  assert.equal(p.dutyCycle.allowanceMs, 60_000);
  assert.equal(p.beaconIntervalMs, 300_000);
  const out = p.plan(T0 + 20 * 60_000, 'N0CALL-3');
  assert.ok(!out.ok && out.reason === 'window' && out.retryAt === T0 + 60 * 60_000);
  const inside = p.plan(T0, 'N0CALL-3');
  assert.ok(inside.ok && inside.maxBytes === 500);
  p.recordBurst('N0CALL-3', 500, 5_000, T0);
  const state = JSON.parse(JSON.stringify(p.toState(T0)));
  const q = plannerFromConfig(cfg, state);
  assert.deepEqual(q.plan(T0 + 1000, 'N0CALL-3'), p.plan(T0 + 1000, 'N0CALL-3'));
  assert.equal(q.plan(T0 + 1000, 'N0CALL-3').ok, false);
});
