/**
 * The merge rule (pure): the state of one row is a function of the *set* of changes held for it,
 * never of the order they arrived in. That is what makes stations converge.
 *
 * - Field value: among the upserts that set the field, take the causal frontier (those no other
 *   one has in its context); the policy picks the winner among them (default: highest HLC, then
 *   origin). Each other frontier value that differs is a conflict loser, recorded with both values.
 * - Existence ("edit beats delete"): the row exists iff some upsert is not covered by the context of
 *   every delete, i.e. some edit was concurrent with or after each delete. A delete that such an
 *   edit outlives is recorded as a conflict. Deleted rows keep their field values, so an edit that
 *   arrives after a concurrent delete resurrects the whole row.
 */
import type { FieldValue, Hlc, StationId, VersionVector } from '../changeset/Changeset.js';
import { compareStamp } from './hlc.js';
import { covers } from './vv.js';
import { sameValue } from './values.js';
import type { ConflictPolicy, ConflictResolver } from './tables.js';

export interface HeldChange {
  origin: StationId;
  seq: number;
  hlc: Hlc;
  kind: 'upsert' | 'delete';
  fields: Record<string, FieldValue>;
  /** Full causal context (see vv.fullContext). */
  ctx: VersionVector;
}

export interface FieldLoss {
  field: string;
  winner: HeldChange;
  loser: HeldChange;
}

export interface RowState {
  alive: boolean;
  values: Map<string, { value: FieldValue; change: HeldChange }>;
  losses: FieldLoss[];
  /** Deletes outlived by a concurrent or later edit (`winner` is the newest such edit). */
  blockedDeletes: Array<{ del: HeldChange; winner: HeldChange }>;
  /** The delete that removed the row (the newest), when it is not alive. */
  deletedBy: HeldChange | null;
  maxHlc: Hlc;
}

export interface MergeContext {
  policy: ConflictPolicy;
  resolver?: ConflictResolver;
  localStation: StationId;
  table: string;
  id: Uint8Array;
}

/** Stamp order with seq as the last tie-break, so even malformed input orders deterministically. */
function order(a: HeldChange, b: HeldChange): number {
  return compareStamp(a, b) || a.seq - b.seq;
}

function pick(cands: HeldChange[], field: string, m: MergeContext): HeldChange {
  const byStamp = [...cands].sort(order);
  const newest = byStamp[byStamp.length - 1]!;
  const p = m.policy;
  const prefer = (pred: (c: HeldChange) => boolean): HeldChange => {
    const preferred = byStamp.filter(pred);
    return preferred.length > 0 ? preferred[preferred.length - 1]! : newest;
  };
  if (p === 'newer') return newest;
  if (p === 'keep-local') return prefer((c) => c.origin === m.localStation);
  if (p === 'take-remote') return prefer((c) => c.origin !== m.localStation);
  if (p === 'custom') {
    if (m.resolver === undefined) return newest;
    // Candidates in a fixed order, so a resolver that looks at positions is still deterministic.
    const i = m.resolver(
      byStamp.map((c) => ({ origin: c.origin, seq: c.seq, hlc: c.hlc, value: c.fields[field] ?? null })),
      { table: m.table, field, id: m.id },
    );
    return byStamp[i] ?? newest;
  }
  return prefer((c) => c.origin === p.master);
}

export function mergeRow(changes: readonly HeldChange[], m: MergeContext): RowState {
  // one upsert (a row new to the log, the bulk of a first load): every field is its own, nothing lost
  if (changes.length === 1 && changes[0]!.kind === 'upsert') {
    const u = changes[0]!;
    const values: RowState['values'] = new Map();
    for (const f of Object.keys(u.fields)) values.set(f, { value: u.fields[f] ?? null, change: u });
    return { alive: true, values, losses: [], blockedDeletes: [], deletedBy: null, maxHlc: u.hlc > 0n ? u.hlc : 0n };
  }
  const upserts = changes.filter((c) => c.kind === 'upsert');
  const deletes = changes.filter((c) => c.kind === 'delete');
  let maxHlc = 0n;
  for (const c of changes) if (c.hlc > maxHlc) maxHlc = c.hlc;

  const survivors = upserts.filter((u) => !deletes.some((d) => covers(d.ctx, u)));
  const alive = survivors.length > 0;
  const blockedDeletes: RowState['blockedDeletes'] = [];
  for (const d of deletes) {
    const outliving = upserts.filter((u) => !covers(d.ctx, u)).sort(order);
    if (outliving.length > 0) blockedDeletes.push({ del: d, winner: outliving[outliving.length - 1]! });
  }
  const sortedDeletes = [...deletes].sort(order);

  const byField = new Map<string, HeldChange[]>();
  for (const u of upserts) {
    for (const f of Object.keys(u.fields)) {
      let l = byField.get(f);
      if (l === undefined) byField.set(f, (l = []));
      l.push(u);
    }
  }
  const values: RowState['values'] = new Map();
  const losses: FieldLoss[] = [];
  for (const [field, setters] of byField) {
    const maximal = setters.filter((a) => !setters.some((b) => b !== a && covers(b.ctx, a)));
    // Contexts from the air could claim a cycle (impossible causally); then all setters compete.
    const frontier = maximal.length > 0 ? maximal : setters;
    const winner = frontier.length === 1 ? frontier[0]! : pick(frontier, field, m);
    const value = winner.fields[field] ?? null;
    values.set(field, { value, change: winner });
    for (const l of frontier) {
      if (l !== winner && !sameValue(l.fields[field] ?? null, value)) losses.push({ field, winner, loser: l });
    }
  }
  return {
    alive,
    values,
    losses,
    blockedDeletes,
    deletedBy: alive ? null : (sortedDeletes[sortedDeletes.length - 1] ?? null),
    maxHlc,
  };
}
