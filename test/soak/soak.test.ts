import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runSoak } from './soak.js';

// One simulated day of what `node --import tsx test/soak/run.ts` runs for a week.
test('soak (one simulated day): 4 stations, hourly bursts at 30% loss, edits every 10 minutes: queues drain, buffers bounded, all converge', async () => {
  const r = await runSoak({ days: 1, seed: 3, loss: 0.3 });
  assert.equal(r.days.length, 1);
  assert.ok(r.edits >= 144);
  const d = r.days[0]!;
  assert.ok(d.inbound <= 4 * 32 && d.shards <= 4 * 32 * 64, JSON.stringify(d));
  assert.ok(r.drained, 'every outbound queue emptied');
  assert.ok(r.converged, 'all four stations hold identical synced data');
  assert.ok(r.rows.every((n) => n === r.rows[0] && n > 200), r.rows.join(' '));
});
