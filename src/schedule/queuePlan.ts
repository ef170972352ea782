/**
 * Pure queue helpers: priority order, expiry, and choosing what goes in the next burst.
 *
 * Order: higher `priority` first, then older `createdAt`, then `id` (a total order, so two stations
 * or two runs always agree). Items are split across bursts unless `splittable` is false; a
 * non-splittable item that does not fit blocks the items behind it (strict priority), unless
 * `skipBlocked` is set, in which case smaller items behind it may go first.
 */

/** Priorities used by radiosync (any integer works; higher goes first). */
export const PRIORITY = { BULK: 0, NORMAL: 5, URGENT: 9 } as const;

export interface QueueItem {
  id: string;
  /** Higher goes first. */
  priority: number;
  /** Bytes still to send. */
  bytes: number;
  /** ms since the epoch */
  createdAt: number;
  /** ms since the epoch; after it the item is dropped unsent. */
  expiresAt?: number;
  /** Destination callsign (for per-peer budgets); null for broadcasts. */
  peer?: string | null;
  /** May be sent in parts over several bursts (default true). */
  splittable?: boolean;
}

export interface Allocation {
  id: string;
  /** Bytes of this item to send in this burst. */
  bytes: number;
  /** True when this allocation finishes the item. */
  complete: boolean;
}

export function isExpired(item: Pick<QueueItem, 'expiresAt'>, now: number): boolean {
  return item.expiresAt !== undefined && item.expiresAt <= now;
}

/** Split into live and expired items (input order kept). */
export function partitionExpired<T extends QueueItem>(items: readonly T[], now: number): { live: T[]; expired: T[] } {
  const live: T[] = [];
  const expired: T[] = [];
  for (const it of items) (isExpired(it, now) ? expired : live).push(it);
  return { live, expired };
}

/** Compare two items in send order. */
export function compareQueueItems(a: QueueItem, b: QueueItem): number {
  if (a.priority !== b.priority) return b.priority - a.priority;
  if (a.createdAt !== b.createdAt) return a.createdAt - b.createdAt;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

/** A sorted copy in send order. */
export function orderQueue<T extends QueueItem>(items: readonly T[]): T[] {
  return [...items].sort(compareQueueItems);
}

export interface BurstSelection<T extends QueueItem> {
  allocations: Allocation[];
  /** Expired items to drop. */
  expired: T[];
  /** Total bytes allocated. */
  bytes: number;
}

/**
 * Choose what goes into a burst of at most `maxBytes`, in priority order, from items not expired at `now`.
 * `accept(item)` may veto an item (e.g. its peer's budget is spent); vetoed items are passed over.
 */
export function selectForBurst<T extends QueueItem>(
  items: readonly T[],
  opts: { now: number; maxBytes: number; skipBlocked?: boolean; accept?: (item: T) => boolean },
): BurstSelection<T> {
  const { live, expired } = partitionExpired(items, opts.now);
  const allocations: Allocation[] = [];
  let left = Math.max(0, Math.floor(opts.maxBytes));
  for (const it of orderQueue(live)) {
    if (left === 0) break;
    if (it.bytes <= 0) continue;
    if (opts.accept && !opts.accept(it)) continue;
    if (it.bytes <= left) {
      allocations.push({ id: it.id, bytes: it.bytes, complete: true });
      left -= it.bytes;
    } else if (it.splittable !== false) {
      allocations.push({ id: it.id, bytes: left, complete: false });
      left = 0;
    } else if (!opts.skipBlocked) {
      break;
    }
  }
  return { allocations, expired, bytes: allocations.reduce((s, a) => s + a.bytes, 0) };
}
