/**
 * The supersession rule of the compaction design (docs/records.md §12), pure and not yet wired
 * into the log: which of a row's held changes can be dropped without changing the row.
 *
 * A change c of origin O is superseded by O's own later changes of the same row (higher seq):
 * - an upsert, when O made a later upsert of the row and every field c sets is set again by one;
 * - a delete, when O made a later delete of the row.
 * Deletes never supersede upserts (an edit concurrent with a delete brings the whole row back).
 * The later change's full context covers c and everything c's context covers (O's knowledge of a
 * row only grows, and `seq − 1` of its own is always in it), so dropping c leaves the merge
 * (merge.ts) with the same existence, the same value and winner per field and the same losers:
 * c is never on a field's frontier, and if c survives every delete, so does the later change. The
 * rule reads only O's own changes, so every station holding them drops the same ones.
 */
import type { HeldChange } from './merge.js';

export function supersededChanges(changes: readonly HeldChange[]): Set<HeldChange> {
  const out = new Set<HeldChange>();
  const byOrigin = new Map<string, HeldChange[]>();
  for (const c of changes) {
    let l = byOrigin.get(c.origin);
    if (l === undefined) byOrigin.set(c.origin, (l = []));
    l.push(c);
  }
  for (const list of byOrigin.values()) {
    list.sort((a, b) => b.seq - a.seq); // newest first
    const laterFields = new Set<string>();
    let laterUpsert = false;
    let laterDelete = false;
    for (const c of list) {
      if (c.kind === 'delete') {
        if (laterDelete) out.add(c);
        laterDelete = true;
        continue;
      }
      if (laterUpsert && Object.keys(c.fields).every((f) => laterFields.has(f))) out.add(c);
      for (const f of Object.keys(c.fields)) laterFields.add(f);
      laterUpsert = true;
    }
  }
  return out;
}
