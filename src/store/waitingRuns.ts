/**
 * Runs that arrived ahead of a gap (a later changeset delivered before an earlier one): they
 * cannot be verified yet (their chain starts from a head this station does not hold), so they are
 * held aside, undecoded as changes, and checked and applied as soon as the gap fills. Bounded:
 * at most {@link MAX_WAITING_RUNS} runs and {@link MAX_WAITING_BYTES} bytes in all; past that the
 * oldest are dropped (the sender sends them again, since nothing acknowledges them).
 */
import { encode, decode } from 'cbor-x';
import type { RowChange, StationId } from '../changeset/Changeset.js';
import { stmt, type StoreContext } from './StoreContext.js';

export const MAX_WAITING_RUNS = 64;
export const MAX_WAITING_BYTES = 16 * 1024 * 1024;

export function putWaiting(ctx: StoreContext, sender: StationId, origin: StationId, run: RowChange[], sig: Uint8Array, now: number): void {
  const blob = encode(run) as Buffer;
  if (blob.length > MAX_WAITING_BYTES) return;
  stmt(ctx, 'INSERT INTO radiosync_waiting(sender, origin, first_seq, changes, sig, at) VALUES (?, ?, ?, ?, ?, ?)').run(
    sender, origin, run[0]!.seq, blob, Buffer.from(sig), now,
  );
  for (;;) {
    const t = stmt(ctx, 'SELECT count(*) AS n, coalesce(sum(length(changes)), 0) AS b FROM radiosync_waiting').get() as { n: number; b: number };
    if (t.n <= MAX_WAITING_RUNS && t.b <= MAX_WAITING_BYTES) break;
    stmt(ctx, 'DELETE FROM radiosync_waiting WHERE n = (SELECT min(n) FROM radiosync_waiting)').run();
  }
}

/** The next waiting run of `origin` that now connects to what is held (removed from the table). */
export function takeWaiting(ctx: StoreContext, origin: StationId): { sender: StationId; changes: RowChange[]; sig: Uint8Array } | undefined {
  const upto = (stmt(ctx, 'SELECT upto FROM radiosync_vv WHERE origin = ?').get(origin) as { upto: number } | undefined)?.upto ?? 0;
  const r = stmt(ctx, 'SELECT n, sender, changes, sig FROM radiosync_waiting WHERE origin = ? AND first_seq <= ? ORDER BY first_seq LIMIT 1').get(origin, upto + 1) as
    | { n: number; sender: string; changes: Uint8Array; sig: Uint8Array }
    | undefined;
  if (r === undefined) return undefined;
  stmt(ctx, 'DELETE FROM radiosync_waiting WHERE n = ?').run(r.n);
  const changes = (decode(r.changes) as RowChange[]).map((c) => ({ ...c, id: new Uint8Array(c.id), hlc: BigInt(c.hlc) }));
  return { sender: r.sender, changes, sig: new Uint8Array(r.sig) };
}
