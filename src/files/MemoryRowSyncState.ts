/**
 * The in-memory {@link RowSyncState}: same contract as the SQLite one
 * (test/files/rowSyncStateCompliance.ts), nothing survives the process, no transactions.
 */
import type { VersionVector } from '../changeset/Changeset.js';
import { fromHex, toHex } from './chunkHash.js';
import type { FileChange } from './FileEntry.js';
import { sortVv, type FileProblem, type JournalRow, type RowSyncState } from './RowSyncState.js';

/** Strings in byte (UTF-8) order, as SQLite's BINARY collation orders them. */
const byteOrder = (a: string, b: string) => Buffer.compare(Buffer.from(a), Buffer.from(b));
/** Ids in blob order (memcmp, then length): the same as the order of their lowercase hex. */
const idOrder = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

export class MemoryRowSyncState implements RowSyncState {
  private readonly seenCtx = new Map<string, string>();
  private readonly pendingSince = new Map<string, number>();
  private journalRows: JournalRow[] = [];
  private readonly owedIds = new Map<string, Set<string>>();
  private readonly problemsById = new Map<string, FileProblem>();

  noteProblem(id: Uint8Array, p: FileProblem | undefined): void {
    const k = toHex(id);
    if (p === undefined) this.problemsById.delete(k);
    else this.problemsById.set(k, { path: p.path, code: p.code, message: p.message, since: this.problemsById.get(k)?.since ?? p.since });
  }

  problems(limit = 20): FileProblem[] {
    return [...this.problemsById.values()]
      .sort((a, b) => b.since - a.since || byteOrder(a.path, b.path))
      .slice(0, Math.max(0, limit))
      .map((p) => ({ ...p }));
  }

  seen(id: Uint8Array): VersionVector | undefined {
    const ctx = this.seenCtx.get(toHex(id));
    return ctx === undefined ? undefined : (JSON.parse(ctx) as VersionVector);
  }

  markApplied(rows: Iterable<{ id: Uint8Array; vv: VersionVector }>): void {
    for (const r of rows) {
      const k = toHex(r.id);
      this.seenCtx.set(k, JSON.stringify(sortVv(r.vv)));
      this.pendingSince.delete(k);
    }
  }

  markPending(ids: Iterable<Uint8Array>, now: number): void {
    for (const id of ids) {
      const k = toHex(id);
      if (!this.pendingSince.has(k)) this.pendingSince.set(k, now);
    }
  }

  pending(): Uint8Array[] {
    return [...this.pendingSince]
      .sort(([a, sa], [b, sb]) => sa - sb || idOrder(a, b))
      .map(([k]) => fromHex(k));
  }

  pendingCount(): number {
    return this.pendingSince.size;
  }

  journal(share: string, changes: FileChange[], paths: string[]): void {
    changes.forEach((c, i) => {
      // like SQLite's INTEGER PRIMARY KEY: one more than the largest n held, 1 when empty
      const n = (this.journalRows[this.journalRows.length - 1]?.n ?? 0) + 1;
      this.journalRows.push({ n, share, path: paths[i]!, id: c.id.slice(), kind: c.kind === 'delete' ? 'delete' : 'upsert' });
    });
  }

  journaled(): JournalRow[] {
    return this.journalRows.map((r) => ({ ...r, id: r.id.slice() }));
  }

  clearJournal(n: number): void {
    this.journalRows = this.journalRows.filter((r) => r.n > n);
  }

  owed(peer: string): Uint8Array[] {
    return [...(this.owedIds.get(peer) ?? [])].sort(idOrder).map(fromHex);
  }

  setOwed(peer: string, rows: Iterable<{ id: Uint8Array; owed: boolean }>): void {
    let s = this.owedIds.get(peer);
    if (s === undefined) this.owedIds.set(peer, (s = new Set()));
    for (const r of rows) {
      if (r.owed) s.add(toHex(r.id));
      else s.delete(toHex(r.id));
    }
  }
}
