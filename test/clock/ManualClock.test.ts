import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ManualClock } from '../../src/clock/ManualClock.js';
import { sleep } from '../../src/clock/Clock.js';

test('timers fire in deadline order, ties in insertion order', () => {
  const c = new ManualClock(1000);
  const seen: string[] = [];
  c.setTimer(30, () => seen.push('c'));
  c.setTimer(10, () => seen.push('a'));
  c.setTimer(10, () => seen.push('b'));
  const t = c.setTimer(20, () => seen.push('cancelled'));
  t.cancel();
  c.advance(25);
  assert.deepEqual(seen, ['a', 'b']);
  assert.equal(c.now(), 1025);
  c.advance(5);
  assert.deepEqual(seen, ['a', 'b', 'c']);
});

test('run() drives async code that awaits between timers', async () => {
  const c = new ManualClock(0);
  let steps = 0;
  const job = (async () => {
    for (let i = 0; i < 100; i++) {
      await sleep(c, 3_600_000 / 100);
      steps++;
    }
  })();
  const elapsed = await c.run(() => steps === 100);
  await job;
  assert.equal(steps, 100);
  assert.equal(elapsed, 3_600_000);
});
