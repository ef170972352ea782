/**
 * Build the changeset for a peer: every change held here, from any origin, that the peer has not
 * acknowledged as durably applied. Because held changes from other origins are included, a station
 * relays for the others (A → B → C), and a USB stick carried to a station never heard on air gets
 * everything. Changes go in the order this station stored them, which respects causality.
 */
import type { Changeset, RowChange, StationId, VersionVector } from '../changeset/Changeset.js';
import { stmt, localVv, type StoreContext } from './StoreContext.js';
import { LOG_COLUMNS, logRowToChange, signRuns } from './originRuns.js';
import { ingestCaptures } from './capture.js';
import { getPeer } from './peers.js';
import { DEFAULT_MAX_CHANGES } from './limits.js';

export interface BuildOptions {
  /** Cap on row changes (default {@link DEFAULT_MAX_CHANGES}); the rest goes in a later changeset. */
  maxChanges?: number;
  /** Use this acknowledged VV instead of the peers table's (e.g. a USB stick for an unknown station). */
  acked?: VersionVector;
  /** Addressees (default: the peer). */
  to?: StationId[];
}

type LogRow = Parameters<typeof signRuns>[1][number];

export function buildChangeset(ctx: StoreContext, peer: StationId, opts: BuildOptions = {}): Changeset {
  return ctx.db.transaction((): Changeset => {
    ingestCaptures(ctx);
    const max = opts.maxChanges ?? DEFAULT_MAX_CHANGES;
    const acked = opts.acked ?? getPeer(ctx, peer)?.acked ?? {};
    // Every origin with a held change has a radiosync_vv row (apply and capture advance it).
    const origins = (stmt(ctx, 'SELECT origin FROM radiosync_vv').all() as Array<{ origin: string }>).map((r) => r.origin);
    // Per origin in seq order, which the (origin, seq) index gives without sorting: only `max` rows
    // are read, however many lie beyond the peer's vector (a sort by n read them all, for every
    // changeset of a large export). An origin's changes are logged in seq order whenever origin
    // signatures are on (a run is accepted only from the seq after what is held), so this is the
    // same choice; rows are put back in log order below.
    const q = stmt(
      ctx,
      `SELECT ${LOG_COLUMNS} FROM radiosync_log WHERE origin = ? AND seq > ? ORDER BY seq LIMIT ?`,
      true,
    );
    let rows: LogRow[] = [];
    for (const o of origins) {
      // a station holds all of its own changes, unless it told us otherwise (a receipt from a station
      // restored from an old backup names its own origin: what it lost goes back to it)
      if (o === peer && acked[o] === undefined) continue;
      const list = q.all(o, acked[o] ?? 0, max) as LogRow[];
      // With origin signatures, an origin's run ends before its first change held without data
      // (relay quota) or gap (signRuns): cut it here, before the cap, so rows that cannot go
      // never crowd out those that can (other origins', this station's own).
      const cut = ctx.origins === undefined ? -1 : list.findIndex((r, i) => r.kept === 0n || (i > 0 && r.seq !== list[i - 1]!.seq + 1n));
      for (const r of cut >= 0 ? list.slice(0, cut) : list) rows.push(r);
    }
    rows.sort((a, b) => (a.n < b.n ? -1 : a.n > b.n ? 1 : 0));
    rows = rows.slice(0, max);
    // each row becomes a change once: signing hashes the same changes that go out
    const made = new Map<LogRow, RowChange>();
    const toChange = (r: LogRow): RowChange => {
      let c = made.get(r);
      if (c === undefined) made.set(r, (c = logRowToChange(r)));
      return c;
    };
    const signed = signRuns(ctx, rows, toChange);
    const changes: RowChange[] = signed.rows.map(toChange);
    // upto: per origin, the contiguous run from what the peer acknowledged through what is sent.
    const sent = new Map<string, number[]>();
    for (const c of changes) {
      let l = sent.get(c.origin);
      if (l === undefined) sent.set(c.origin, (l = []));
      l.push(c.seq);
    }
    const mine = localVv(ctx);
    const upto: VersionVector = {};
    for (const o of Object.keys(mine)) {
      if (o === peer && acked[o] === undefined) continue;
      let u = acked[o] ?? 0;
      for (const s of (sent.get(o) ?? []).sort((a, b) => a - b)) if (s === u + 1) u = s;
      if (u > 0) upto[o] = u;
    }
    const cs: Changeset = { version: 1, from: ctx.station, to: opts.to ?? [peer], created: ctx.clock.now(), upto, changes, chunks: [] };
    if (signed.sigs !== undefined) cs.sigs = signed.sigs;
    return cs;
  }).immediate();
}
