/**
 * A crash-test child process: two real stations (N0AAA, N0BBB) in `dir`, each with the SQLite
 * transfer queue, syncing both ways over the simulator (9600 bit/s, 10% loss) on virtual time run
 * as fast as the CPU allows, while plain SQL edits keep arriving in batches. The parent SIGKILLs it
 * at a random moment (inside an apply, a queue update, a capture, a build…) and restarts it.
 *
 *   node --import tsx test/crash/station.child.ts run   DIR SEED   edit and sync until killed
 *   node --import tsx test/crash/station.child.ts drain DIR SEED   no edits; sync until converged, print JSON
 *
 * Each edit batch inserts BATCH_ROWS persons in one transaction, tagged `batch:CALL:N` in `notes`,
 * so the parent can check that every batch is wholly present or wholly absent at the other station.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { ManualClock } from '../../src/clock/ManualClock.js';
import { RadioChannel } from '../../src/sim/RadioChannel.js';
import { StationRuntime } from '../../src/sync/StationRuntime.js';
import { simRadioPort } from '../../src/sync/FramePort.js';
import { tableFingerprints } from '../../src/sync/tableFingerprint.js';
import { SqliteTransferQueue } from '../../src/store/sqliteTransferQueue.js';
import { Station } from '../../src/station/Station.js';
import { Prng } from '../../src/util/prng.js';

export const CALLS = ['N0AAA', 'N0BBB'] as const;
export const BATCH_ROWS = 7;
export const QUEUE_FILE = 'link.sqlite';
const STEP_MS = 3_000;

const [mode = 'run', dir = '', seedText = '1'] = process.argv.slice(2);
const seed = Number(seedText);
const clockFile = join(dir, 'clock.txt');
const saved = existsSync(clockFile) ? Number(readFileSync(clockFile, 'utf8')) : 0;
// virtual time never goes back across restarts (HLCs and expiry depend on it)
const clock = new ManualClock(Math.max(Date.now(), saved + 60_000));
const stations = CALLS.map((c) => Station.open(join(dir, c), { clock, env: {} }));
const channel = new RadioChannel({ clock, seed, bitrate: 9600, loss: { kind: 'iid', p: 0.1 } });
const queues = stations.map((s) => new SqliteTransferQueue({ path: join(s.layout.home, QUEUE_FILE) }));
const rts = stations.map((s, i) => new StationRuntime({ station: s, port: simRadioPort(channel.attach(s.callsign)), bitrate: 9600, clock, queue: queues[i]! }));
const rng = new Prng(seed);

function nextBatch(st: Station): number {
  const r = st.records.db.prepare("SELECT count(DISTINCT notes) AS n FROM person WHERE notes LIKE ?").get(`batch:${st.callsign}:%`) as { n: number };
  return r.n + 1;
}

function edit(st: Station): void {
  const n = nextBatch(st);
  const ins = st.records.db.prepare('INSERT INTO person (uuid, first_name, last_name, age, status, notes) VALUES (?, ?, ?, ?, ?, ?)');
  st.records.db.transaction(() => {
    for (let i = 0; i < BATCH_ROWS; i++) ins.run(randomUUID(), `p${i}`, st.callsign, 20 + i, 'registered', `batch:${st.callsign}:${n}`);
    // and an update of someone else's row, to exercise merge on the other side
    st.records.db.prepare("UPDATE person SET age = age + 1 WHERE id = (SELECT id FROM person WHERE last_name != ? ORDER BY id LIMIT 1)").run(st.callsign);
  })();
}

/** Transfers every receiver finished that the link still holds (see docs/security.md §6). */
function zombies(): number {
  return rts.reduce((n, rt) => n + rt.link.pendingOutbound().filter((p) => p.pending.length === 0).length, 0);
}

function converged(): boolean {
  const [a, b] = stations as [Station, Station];
  const idle = rts.every((rt) => rt.link.pendingOutbound().every((p) => p.pending.length === 0));
  return idle && JSON.stringify(tableFingerprints(a.records)) === JSON.stringify(tableFingerprints(b.records));
}

process.stdout.write('ready\n');
const limit = clock.now() + 24 * 3_600_000;
let steps = 0;
while (clock.now() < limit) {
  if (mode === 'run' && rng.chance(0.3)) edit(stations[rng.int(2)]!);
  rts.forEach((rt, i) => rt.sendPending([CALLS[1 - i]!]));
  const stepEnd = clock.now() + STEP_MS;
  await clock.run(() => false, STEP_MS);
  if (clock.now() < stepEnd) clock.advance(stepEnd - clock.now()); // run() stops early when no timer is set
  writeFileSync(clockFile, String(clock.now()));
  steps++;
  if (mode === 'drain' && steps % 10 === 0 && converged()) break;
}
const ok = converged();
process.stdout.write(JSON.stringify({ mode, ok, steps, virtualMs: clock.now() - saved, finishedTransfersStillQueued: zombies() }) + '\n');
for (const rt of rts) rt.close();
for (const q of queues) q.close();
for (const s of stations) s.close();
process.exit(ok || mode === 'run' ? 0 : 1);
