/**
 * kill -9 in the middle of applying a large changeset: a child process applies it and is SIGKILLed
 * while its write transaction is open (its rollback journal exists). The database must be exactly as
 * before, pass PRAGMA integrity_check, and a retry must succeed.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, writeFileSync, copyFileSync, mkdirSync } from 'node:fs';
import { serialize } from 'node:v8';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { tempDir, makeStation, seedFile, introduce, closeAll, snapshot, type Station } from './helpers.js';
import { RecordStore } from '../../src/store/RecordStore.js';
import { Prng } from '../../src/util/prng.js';

const tmp = tempDir();
after(() => tmp.cleanup());

function sortedSnapshot(st: Station): string {
  return JSON.stringify(Object.entries(snapshot(st)).sort(([x], [y]) => (x < y ? -1 : 1)));
}

function state(file: string): { tables: string; vv: unknown; applied: number; log: number; integrity: string } {
  const db = new Database(file);
  const store = RecordStore.open(db);
  const st = { name: 'x', file, store, clock: undefined as never, app: db } as Station;
  const out = {
    tables: sortedSnapshot(st),
    vv: store.versionVector(),
    applied: (db.prepare('SELECT count(*) AS n FROM radiosync_applied').get() as { n: number }).n,
    log: (db.prepare('SELECT count(*) AS n FROM radiosync_log').get() as { n: number }).n,
    integrity: (db.pragma('integrity_check') as Array<{ integrity_check: string }>)[0]!.integrity_check,
  };
  db.close();
  return out;
}

function runChild(dbFile: string, csFile: string, delayMs: number): Promise<{ killedMidway: boolean; sawJournal: boolean }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'test/store/killChild.ts', dbFile, csFile], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    let sawJournal = false;
    const journal = `${dbFile}-journal`;
    const poll = setInterval(() => {
      if (!sawJournal && existsSync(journal)) {
        sawJournal = true;
        setTimeout(() => child.kill('SIGKILL'), delayMs);
      }
    }, 1);
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.on('error', reject);
    child.on('exit', (_code, signal) => {
      clearInterval(poll);
      resolve({ killedMidway: signal === 'SIGKILL' && !out.includes('done'), sawJournal });
    });
  });
}

test('kill -9 while applying a large changeset leaves the database as before; a retry succeeds', async () => {
  const seedDir = join(tmp.dir, 'seed');
  mkdirSync(seedDir);
  const seed = seedFile(seedDir);
  const a = makeStation(tmp.dir, 'A1', { seedFile: seed });
  const b = makeStation(tmp.dir, 'B2', { seedFile: seed });
  introduce([a, b]);
  // A large changeset: 3,000 new people (children of existing shelters), 2,000 edits, some deletes.
  a.app.transaction(() => {
    const ins = a.app.prepare('INSERT INTO person(uuid, first_name, age, shelter_id) VALUES (?, ?, ?, ?)');
    for (let i = 0; i < 3000; i++) ins.run(`d0000000-0000-4000-8000-${String(i).padStart(12, '0')}`, `K${i}`, i % 90, (i % 20) + 1);
    a.app.prepare(`UPDATE person SET notes = 'recounted' WHERE id <= 2000`).run();
    a.app.prepare('DELETE FROM person WHERE id > 1800 AND id <= 2000 AND id NOT IN (SELECT requester_id FROM supply_request WHERE requester_id IS NOT NULL)').run();
  })();
  const cs = a.store.buildChangeset('B2', { maxChanges: 100_000 });
  assert.ok(cs.changes.length > 4500, `large: ${cs.changes.length}`);
  const csFile = join(tmp.dir, 'cs.bin');
  writeFileSync(csFile, serialize(cs));
  closeAll([b]);

  const prng = new Prng(7);
  let kills = 0;
  for (let attempt = 0; attempt < 6 && kills < 1; attempt++) {
    const file = join(tmp.dir, `victim${attempt}.sqlite`);
    copyFileSync(b.file, file);
    const before = state(file);
    const { killedMidway, sawJournal } = await runChild(file, csFile, prng.int(200));
    const now = state(file); // opening rolls back the hot journal
    assert.equal(now.integrity, 'ok');
    if (!killedMidway) {
      assert.equal(now.applied, 1, 'when the child finished first, the changeset is fully applied');
      continue;
    }
    assert.ok(sawJournal);
    kills++;
    assert.ok(now.tables === before.tables, 'the killed apply left the tables as they were');
    assert.deepEqual({ ...now, tables: '' }, { ...before, tables: '' }, 'and radiosync\'s own state too');
    // Retry in this process: succeeds and matches the sender.
    const db = new Database(file);
    const store = RecordStore.open(db);
    const r = store.applyChangeset(cs);
    assert.equal(r.applied, cs.changes.length);
    assert.equal(r.parked, 0);
    store.close();
    const done = state(file);
    assert.ok(done.tables === sortedSnapshot(a), 'after the retry the receiver matches the sender');
  }
  assert.ok(kills >= 1, 'at least one kill landed inside the apply transaction');
  closeAll([a]);
});
