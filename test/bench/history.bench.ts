/**
 * `npm run bench -- history` (issue 15): what a long history costs. A station A1 holds a 2,000-person
 * sample (2,530 rows in three tables) and edits every person in each of 20 rounds; a peer B2 syncs
 * every round (build → encode → apply → acknowledge). Then, side by side in this run:
 * - a **new peer** (acknowledged nothing) gets everything A1 would send it, against a **fresh
 *   station** F1 that holds the same current data (a copy of A1's app tables, `init` with snapshot);
 * - a **returning peer**, absent for all 20 rounds (acknowledged the state before them), against one
 *   round's delta;
 * - the `radiosync_*` tables on disk (SQLite `dbstat`, pages in use) against the app tables.
 * Targets: new peer ≤ 1.05× fresh, returning peer ≤ 1.05× one round, radiosync_* ≤ 1.5× app data.
 * Bytes are the encoded changesets (CBOR + deflate, no envelope), every changeset until nothing is left.
 * Origin signatures are on (as in a Station).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { generateKeyPairSync } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { BenchReport } from './report.js';
import { RecordStore } from '../../src/store/RecordStore.js';
import { encodeChangeset } from '../../src/changeset/codec.js';
import { ManualClock } from '../../src/clock/ManualClock.js';
import { signOrigin, verifyOrigin } from '../../src/auth/originSignature.js';
import { generateSampleApp, SAMPLE_TABLES } from '../../fixtures/gen/sampleApp.js';
import type { VersionVector } from '../../src/changeset/Changeset.js';
import { vvMerge } from '../../src/store/vv.js';

const ROUNDS = 20;
const PERSONS = 2000;
const REQUESTS = 500;
const T0 = Date.UTC(2026, 10, 21, 12, 0, 0);

type Keys = Map<string, ReturnType<typeof generateKeyPairSync>>;

function withAuth(store: RecordStore, keys: Keys): RecordStore {
  const me = store.station;
  if (!keys.has(me)) keys.set(me, generateKeyPairSync('ed25519'));
  store.setOriginAuth({
    sign: (seq, head) => signOrigin(keys.get(me)!.privateKey, me, seq, head),
    verify: (origin, seq, head, sig) => {
      const k = keys.get(origin);
      if (k === undefined) return 'unknown';
      return verifyOrigin(k.publicKey, origin, seq, head, sig) ? 'ok' : 'bad';
    },
  });
  return store;
}

/** Every changeset `from` sends a peer that acknowledged `acked`, until nothing is left; optionally applied at `to`. */
function sendAll(from: RecordStore, peer: string, acked: VersionVector, to?: RecordStore): { bytes: number; rows: number; changesets: number; acked: VersionVector } {
  let bytes = 0;
  let rows = 0;
  let changesets = 0;
  let vv = acked;
  for (;;) {
    const cs = from.buildChangeset(peer, { acked: vv });
    if (cs.changes.length === 0) break;
    bytes += encodeChangeset(cs).length;
    rows += cs.changes.length;
    changesets++;
    if (to !== undefined) {
      const r = to.applyChangeset(cs);
      from.acknowledge(peer, r.ack);
    }
    const next = vvMerge(vv, cs.upto);
    if (Object.keys(next).every((k) => next[k] === vv[k])) break;
    vv = next;
  }
  return { bytes, rows, changesets, acked: vv };
}

/** Bytes of pages in use, split into radiosync's own tables and indexes and the app's. */
function diskBytes(db: Database.Database): { radiosync: number; app: number; log: number } {
  const rows = db.prepare(`SELECT name, sum(pgsize - unused) AS used FROM dbstat GROUP BY name`).all() as Array<{ name: string; used: number }>;
  let radiosync = 0;
  let app = 0;
  let log = 0;
  const appTables = new Set(['shelter', 'person', 'supply_request']);
  const owner = new Map((db.prepare(`SELECT name, tbl_name FROM sqlite_master`).all() as Array<{ name: string; tbl_name: string }>).map((r) => [r.name, r.tbl_name]));
  for (const r of rows) {
    const t = owner.get(r.name) ?? r.name.replace(/^sqlite_autoindex_(.*)_\d+$/, '$1');
    if (t.startsWith('radiosync_')) {
      radiosync += r.used;
      if (t === 'radiosync_log') log += r.used;
    } else if (appTables.has(t)) app += r.used;
  }
  return { radiosync, app, log };
}

function editRound(db: Database.Database, round: number): void {
  const ids = (db.prepare('SELECT id FROM person ORDER BY id').all() as Array<{ id: number }>).map((r) => r.id);
  const upd = db.prepare('UPDATE person SET status = ?, notes = ? WHERE id = ?');
  db.transaction(() => {
    for (const id of ids) upd.run(['missing', 'found', 'injured', 'sheltered'][(id + round) % 4], `round ${round}: checked at post ${(id * 7 + round) % 13}`, id);
  })();
}

export async function run(): Promise<BenchReport> {
  const dir = mkdtempSync(join(tmpdir(), 'radiosync-bench-history-'));
  try {
    const keys: Keys = new Map();
    const clock = new ManualClock(T0);
    const aFile = join(dir, 'a.sqlite');
    generateSampleApp(aFile, PERSONS, REQUESTS);
    const bFile = join(dir, 'b.sqlite');
    generateSampleApp(bFile, 0, 0);
    const bDb = new Database(bFile);
    bDb.exec('DELETE FROM shelter; DELETE FROM person; DELETE FROM supply_request;');
    bDb.close();
    const a = withAuth(RecordStore.init(aFile, { station: 'A1', tables: SAMPLE_TABLES, clock, snapshot: true }), keys);
    const b = withAuth(RecordStore.init(bFile, { station: 'B2', tables: SAMPLE_TABLES, clock }), keys);
    const appA = new Database(aFile);
    const first = sendAll(a, 'B2', {}, b);
    const before = a.versionVector();
    const perRound: number[] = [];
    for (let k = 1; k <= ROUNDS; k++) {
      clock.advance(3_600_000);
      editRound(appA, k);
      perRound.push(sendAll(a, 'B2', a.peer('B2')?.acked ?? {}, b).bytes);
    }
    const lastRound = perRound[perRound.length - 1]!;
    const newPeer = sendAll(a, 'N9', {});
    const returning = sendAll(a, 'R9', before);
    const diskA = diskBytes(a.db);

    // The fresh station: the same current app data, init with a snapshot, nothing else.
    const fFile = join(dir, 'f.sqlite');
    appA.prepare('VACUUM INTO ?').run(fFile);
    const fDb = new Database(fFile);
    for (const r of fDb.prepare(`SELECT type, name FROM sqlite_master WHERE name LIKE 'radiosync\\_%' ESCAPE '\\' AND type IN ('table', 'trigger')`).all() as Array<{ type: string; name: string }>) {
      fDb.exec(`DROP ${r.type === 'table' ? 'TABLE' : 'TRIGGER'} IF EXISTS "${r.name}"`);
    }
    fDb.close();
    const f = withAuth(RecordStore.init(fFile, { station: 'F1', tables: SAMPLE_TABLES, clock, snapshot: true }), keys);
    const fresh = sendAll(f, 'N9', {});
    const diskF = diskBytes(f.db);
    const logRows = (a.db.prepare('SELECT count(*) AS n FROM radiosync_log').get() as { n: number }).n;
    appA.close();
    a.close();
    b.close();
    f.close();
    const ratio = (x: number, y: number) => Math.round((x / y) * 1000) / 1000;
    return {
      tables: [
        {
          title: `history: ${ROUNDS} rounds editing all ${PERSONS} persons (${PERSONS + REQUESTS + 30}-row sample), origin signatures on`,
          columns: ['case', 'rows', 'changesets', 'bytes', 'ratio', 'target'],
          rows: [
            { case: 'initial sync to B2', rows: first.rows, changesets: first.changesets, bytes: first.bytes, ratio: '', target: '' },
            { case: 'one round (the last) to B2', rows: '', changesets: '', bytes: lastRound, ratio: '', target: '' },
            { case: 'fresh station F1 to a new peer', rows: fresh.rows, changesets: fresh.changesets, bytes: fresh.bytes, ratio: 1, target: '' },
            { case: 'A1 to a new peer', rows: newPeer.rows, changesets: newPeer.changesets, bytes: newPeer.bytes, ratio: ratio(newPeer.bytes, fresh.bytes), target: '≤ 1.05 × fresh' },
            { case: 'A1 to a peer absent 20 rounds', rows: returning.rows, changesets: returning.changesets, bytes: returning.bytes, ratio: ratio(returning.bytes, lastRound), target: '≤ 1.05 × one round' },
          ],
        },
        {
          title: 'history: bytes on disk (dbstat, pages in use)',
          columns: ['station', 'app tables', 'radiosync_*', 'radiosync_log', 'log rows', 'ratio', 'target'],
          rows: [
            { station: `A1 after ${ROUNDS} rounds`, 'app tables': diskA.app, 'radiosync_*': diskA.radiosync, radiosync_log: diskA.log, 'log rows': logRows, ratio: ratio(diskA.radiosync, diskA.app), target: '≤ 1.5 × app' },
            { station: 'fresh F1', 'app tables': diskF.app, 'radiosync_*': diskF.radiosync, radiosync_log: diskF.log, 'log rows': '', ratio: ratio(diskF.radiosync, diskF.app), target: '' },
          ],
        },
      ],
      extra: { perRound },
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
