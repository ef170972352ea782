import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PRIORITY, orderQueue, partitionExpired, selectForBurst, type QueueItem } from '../../src/schedule/queuePlan.js';

const items: QueueItem[] = [
  { id: 'bulk', priority: PRIORITY.BULK, bytes: 5000, createdAt: 1 },
  { id: 'old', priority: PRIORITY.NORMAL, bytes: 300, createdAt: 1 },
  { id: 'new', priority: PRIORITY.NORMAL, bytes: 300, createdAt: 2 },
  { id: 'urgent', priority: PRIORITY.URGENT, bytes: 100, createdAt: 3 },
  { id: 'stale', priority: PRIORITY.URGENT, bytes: 100, createdAt: 0, expiresAt: 10 },
];

test('order: priority, then age, then id', () => {
  assert.deepEqual(
    orderQueue(items).map((i) => i.id),
    ['stale', 'urgent', 'old', 'new', 'bulk'],
  );
});

test('expired items are set aside', () => {
  const { live, expired } = partitionExpired(items, 10);
  assert.deepEqual(expired.map((i) => i.id), ['stale']);
  assert.equal(live.length, 4);
});

test('selectForBurst fills in priority order and splits the last item', () => {
  const s = selectForBurst(items, { now: 10, maxBytes: 1000 });
  assert.deepEqual(s.allocations, [
    { id: 'urgent', bytes: 100, complete: true },
    { id: 'old', bytes: 300, complete: true },
    { id: 'new', bytes: 300, complete: true },
    { id: 'bulk', bytes: 300, complete: false },
  ]);
  assert.equal(s.bytes, 1000);
  assert.deepEqual(s.expired.map((i) => i.id), ['stale']);
});

test('a non-splittable item that does not fit blocks, unless skipBlocked; accept() vetoes', () => {
  const q: QueueItem[] = [
    { id: 'big', priority: 9, bytes: 900, createdAt: 0, splittable: false },
    { id: 'small', priority: 1, bytes: 100, createdAt: 0 },
  ];
  assert.deepEqual(selectForBurst(q, { now: 0, maxBytes: 500 }).allocations, []);
  assert.deepEqual(selectForBurst(q, { now: 0, maxBytes: 500, skipBlocked: true }).allocations.map((a) => a.id), ['small']);
  assert.deepEqual(selectForBurst(q, { now: 0, maxBytes: 5000, accept: (i) => i.id !== 'big' }).allocations.map((a) => a.id), ['small']);
});
