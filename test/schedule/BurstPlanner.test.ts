import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ManualClock } from '../../src/clock/ManualClock.js';
import { BurstPlanner } from '../../src/schedule/BurstPlanner.js';
import { Budget, DAY_MS, HOUR_MS } from '../../src/schedule/Budget.js';
import { DutyCycle } from '../../src/schedule/DutyCycle.js';
import { TransmitWindows } from '../../src/schedule/TransmitWindows.js';
import { burstAirtimeMs, splitIntoFrames } from '../../src/radio/airtime.js';
import { orderQueue, partitionExpired, selectForBurst, type QueueItem } from '../../src/schedule/queuePlan.js';
import { Prng } from '../../src/util/prng.js';

const T0 = Date.UTC(2026, 0, 1);
const MIN = 60_000;


test('plan: blocked outside a window with retryAt = next window start; inside, sized by the window end', () => {
  const p = new BurstPlanner({
    link: { bitrate: 1200 },
    frameBytes: 200,
    windows: new TransmitWindows([{ cron: '0 */2 * * *', durationMin: 10 }]),
  });
  const out = p.plan(T0 + 30 * MIN, 'A');
  assert.deepEqual(out, { ok: false, reason: 'window', retryAt: T0 + 120 * MIN });
  const late = p.plan(T0 + 10 * MIN - 5_000, 'A');
  assert.equal(late.ok, true);
  if (late.ok) {
    assert.ok(late.maxAirtimeMs <= 5_000);
    assert.equal(late.windowEnd, T0 + 10 * MIN);
  }
  // less than one frame's burst left in the window: wait for the next one
  const tooLate = p.plan(T0 + 10 * MIN - 500, 'A');
  assert.equal(tooLate.ok, false);
  if (!tooLate.ok) assert.equal(tooLate.retryAt, T0 + 120 * MIN);
  assert.equal(p.nextBurstAt(T0 + 11 * MIN, 'A'), T0 + 120 * MIN);
});

test('plan: budget and duty cycle shrink and then block the burst', () => {
  const p = new BurstPlanner({
    link: { bitrate: 1200 },
    frameBytes: 200,
    budget: new Budget({ perPeer: { bytesPerHour: 1000 } }),
    dutyCycle: new DutyCycle({ capFraction: 0.1, windowMs: 600_000 }),
  });
  const a = p.plan(T0, 'A');
  assert.ok(a.ok && a.maxBytes === 1000);
  p.recordBurst('A', 1000, burstAirtimeMs(splitIntoFrames(1000, 200), p.link), T0);
  const b = p.plan(T0 + 10_000, 'A');
  assert.ok(!b.ok && b.reason === 'budget' && b.denial?.scope === 'peer');
  const c = p.plan(T0 + 10_000, 'B');
  assert.ok(c.ok && c.maxAirtimeMs <= 60_000 - burstAirtimeMs(splitIntoFrames(1000, 200), p.link) + 1e-9);
  p.recordBurst('B', 0, 55_000, T0 + 10_000);
  const d = p.plan(T0 + 70_000, 'B');
  assert.ok(!d.ok && d.reason === 'duty-cycle' && d.retryAt > T0 + 70_000);
  const state = JSON.parse(JSON.stringify(p.toState(T0 + 70_000)));
  const q = new BurstPlanner({ link: p.link, frameBytes: 200, budget: Budget.fromState({ perPeer: { bytesPerHour: 1000 } }, state.budget), dutyCycle: new DutyCycle({ capFraction: 0.1 }, state.duty) }, state);
  assert.deepEqual(q.plan(T0 + 70_000, 'B'), d);
});

test('beacons: due at the interval, obey windows unless told otherwise', () => {
  const windows = new TransmitWindows([{ cron: '0 * * * *', durationMin: 5 }]);
  const p = new BurstPlanner({ link: { bitrate: 1200 }, windows, beaconIntervalMs: 10 * MIN });
  assert.equal(p.beaconDue(T0), true);
  assert.ok(p.planBeacon(T0, 30).ok);
  p.recordBeacon(30, 600, T0);
  assert.equal(p.beaconDue(T0 + 9 * MIN), false);
  assert.equal(p.nextBeaconDueAt(T0), T0 + 10 * MIN);
  const b = p.planBeacon(T0 + 20 * MIN, 30);
  assert.ok(!b.ok && b.reason === 'window' && b.retryAt === T0 + 60 * MIN);
  const free = new BurstPlanner({ link: { bitrate: 1200 }, windows, beaconIntervalMs: 10 * MIN, beaconOutsideWindows: true });
  assert.ok(free.planBeacon(T0 + 20 * MIN, 30).ok);
});

interface Item extends QueueItem {
  peer: string;
  arrivesAt: number;
  sent: number;
  total: number;
}

test('24 simulated hours: the queue drains in priority order within windows, budgets and the duty cycle', async () => {
  const clock = new ManualClock(T0);
  const link = { bitrate: 1200, txDelayMs: 300, txTailMs: 50 };
  const limits = {
    global: { bytesPerHour: 14_000, airtimeSecPerDay: 2_400 },
    perPeer: { bytesPerHour: 8_000 },
    peers: { 'N0CALL-3': { bytesPerHour: 6_000 } },
  };
  const W = [
    { cron: '0 */2 * * *', durationMin: 10 },
    { cron: '30 5,17 * * *', durationMin: 20 },
  ];
  const windows = new TransmitWindows(W);
  const planner = new BurstPlanner({
    link,
    frameBytes: 200,
    windows,
    budget: new Budget(limits),
    dutyCycle: new DutyCycle({ capFraction: 0.15, windowMs: 10 * MIN }),
    maxBurstMs: 20_000,
    beaconIntervalMs: 30 * MIN,
  });
  const prng = new Prng(7);
  const rnd = () => prng.next();
  const peers = ['N0CALL-1', 'N0CALL-2', 'N0CALL-3'];
  const queue: Item[] = [];
  for (let i = 0; i < 40; i++) {
    const bytes = 100 + Math.floor(rnd() * 5000);
    const arrivesAt = T0 + Math.floor(rnd() * 16 * HOUR_MS);
    const it: Item = {
      id: `i${String(i).padStart(2, '0')}`,
      peer: peers[Math.floor(rnd() * peers.length)]!,
      priority: Math.floor(rnd() * 10),
      bytes,
      total: bytes,
      sent: 0,
      createdAt: arrivesAt,
      arrivesAt,
    };
    if (rnd() < 0.15) it.expiresAt = arrivesAt + Math.floor(rnd() * 3 * HOUR_MS);
    queue.push(it);
  }
  const bursts: Array<{ start: number; air: number; bytes: number; peer: string | null }> = [];
  const violations: string[] = [];
  const blocks = { window: 0, 'duty-cycle': 0, budget: 0 };
  const END = T0 + DAY_MS;
  let iterations = 0;

  while (clock.now() < END && iterations++ < 100_000) {
    const now = clock.now();
    const arrived = queue.filter((q) => q.arrivesAt <= now && q.bytes > 0);
    const { live, expired } = partitionExpired(arrived, now);
    for (const e of expired) e.bytes = 0;
    let wake = Math.min(END, ...queue.filter((q) => q.arrivesAt > now).map((q) => q.arrivesAt));

    // beacon first: it is the station ID
    const bp = planner.planBeacon(now, 30);
    if (bp.ok) {
      const air = burstAirtimeMs([30], link);
      planner.recordBeacon(30, air, now);
      bursts.push({ start: now, air, bytes: 30, peer: null });
      clock.advance(air + 1_000);
      continue;
    }
    wake = Math.min(wake, bp.retryAt);

    // plan every peer that has something (plans are pure), then send to the peer of the most
    // urgent item among those that may send, taking only items at least as urgent as any other
    // sendable peer's best item, so the whole queue drains in priority order
    const plans = new Map<string, ReturnType<BurstPlanner['plan']>>();
    for (const q of live) {
      if (plans.has(q.peer)) continue;
      const want = live.filter((x) => x.peer === q.peer).reduce((s, x) => s + x.bytes, 0);
      const plan = planner.plan(now, q.peer, { wantBytes: want });
      plans.set(q.peer, plan);
      if (!plan.ok) {
        blocks[plan.reason as keyof typeof blocks]++;
        wake = Math.min(wake, plan.retryAt);
      }
    }
    const sendable = orderQueue(live.filter((q) => plans.get(q.peer)!.ok));
    let sent = false;
    const head = sendable[0];
    if (head) {
      const plan = plans.get(head.peer)!;
      assert.ok(plan.ok);
      const bestOther = Math.max(-1, ...sendable.filter((q) => q.peer !== head.peer).map((q) => q.priority));
      const mine = live.filter((q) => q.peer === head.peer);
      const sel = selectForBurst(mine, { now, maxBytes: plan.maxBytes, accept: (q) => q.priority >= bestOther });
      // priority check (allocations are in send order): when an item's bytes go, nothing more
      // urgent is still waiting for any peer that could send now
      for (const a of sel.allocations) {
        const it = queue.find((q) => q.id === a.id)!;
        for (const other of sendable) {
          if (other.bytes > 0 && other.priority > it.priority) {
            violations.push(`${it.id} (p${it.priority}) sent before ${other.id} (p${other.priority}) at ${now}`);
          }
        }
        it.bytes -= a.bytes;
        it.sent += a.bytes;
      }
      const air = burstAirtimeMs(splitIntoFrames(sel.bytes, 200), link);
      assert.ok(air <= plan.maxAirtimeMs + 1e-6);
      planner.recordBurst(head.peer, sel.bytes, air, now);
      bursts.push({ start: now, air, bytes: sel.bytes, peer: head.peer });
      clock.advance(air + 2_000); // listen for the ack
      sent = true;
    }
    if (sent) continue;
    if (live.length === 0) wake = Math.min(wake, planner.nextBeaconDueAt(now) > now ? planner.nextBeaconDueAt(now) : END);
    clock.advance(Math.max(1, Math.min(wake, END) - now));
  }

  assert.deepEqual(violations, []);
  // every non-expired item that arrived was sent in full
  for (const q of queue) if (q.expiresAt === undefined) assert.equal(q.sent, q.total, `${q.id} not drained`);
  assert.ok(bursts.length > 50);
  // each kind of limit actually bit during the day
  assert.ok(blocks.window > 0 && blocks['duty-cycle'] > 0 && blocks.budget > 0, JSON.stringify(blocks));

  // windows: each key-up starts and ends inside an open window
  for (const b of bursts) {
    const w = windows.current(b.start);
    assert.ok(w && b.start + b.air <= w.end, `burst at ${new Date(b.start).toISOString()} outside a window`);
  }
  // budgets and duty cycle, checked exactly on the burst log
  const sum = (from: number, to: number, f: (b: (typeof bursts)[0]) => boolean, k: 'bytes' | 'air'): number =>
    bursts.filter((b) => b.start > from && b.start <= to && f(b)).reduce((s, b) => s + b[k], 0);
  for (const b of bursts) {
    const t = b.start;
    assert.ok(sum(t - HOUR_MS, t, () => true, 'bytes') <= 14_000);
    assert.ok(sum(t - DAY_MS, t, () => true, 'air') <= 2_400_000);
    for (const p of peers) {
      const cap = p === 'N0CALL-3' ? 6_000 : 8_000;
      assert.ok(sum(t - HOUR_MS, t, (x) => x.peer === p, 'bytes') <= cap, `peer ${p} over budget`);
    }
  }
  const dutyW = 10 * MIN;
  for (const end of bursts.flatMap((b) => [b.start + b.air, b.start + dutyW])) {
    let used = 0;
    for (const b of bursts) used += Math.max(0, Math.min(b.start + b.air, end) - Math.max(b.start, end - dutyW));
    assert.ok(used <= 0.15 * dutyW + 1e-6, `duty cycle ${used} ms in the window ending ${end}`);
  }
});
