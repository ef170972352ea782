import { test } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { RecordStore } from '../../src/store/RecordStore.js';
import { ManualClock } from '../../src/clock/ManualClock.js';
import { signOrigin, verifyOrigin } from '../../src/auth/originSignature.js';
import { tempDir, T0 } from './helpers.js';

const keys = new Map<string, ReturnType<typeof generateKeyPairSync>>();

function station(file: string, name: string, tables: string[], clock: ManualClock, quota?: number): RecordStore {
  const s = RecordStore.init(file, { station: name, tables: tables.map((t) => ({ name: t })), clock, ...(quota !== undefined ? { relayQuotaRows: quota } : {}) });
  keys.set(name, generateKeyPairSync('ed25519'));
  s.setOriginAuth({
    sign: (seq, head) => signOrigin(keys.get(name)!.privateKey, name, seq, head),
    verify: (origin, seq, head, sig) => {
      const k = keys.get(origin);
      return k === undefined ? 'unknown' : verifyOrigin(k.publicKey, origin, seq, head, sig) ? 'ok' : 'bad';
    },
  });
  return s;
}

test('rows held without their data (relay quota) never crowd this station\'s own change out of a capped changeset', () => {
  const tmp = tempDir();
  try {
    const clock = new ManualClock(T0);
    const files = { x: join(tmp.dir, 'x.sqlite'), v: join(tmp.dir, 'v.sqlite') };
    for (const f of Object.values(files)) {
      const db = new Database(f);
      db.exec('CREATE TABLE person(uuid TEXT NOT NULL UNIQUE, name TEXT); CREATE TABLE extra(uuid TEXT NOT NULL UNIQUE, v INTEGER)');
      db.close();
    }
    // X syncs `extra`, which V does not: V holds X's 50 rows only for relaying, 10 of them with data.
    const x = station(files.x, 'X1', ['person', 'extra'], clock);
    const v = station(files.v, 'V1', ['person'], clock, 10);
    const xApp = new Database(files.x);
    const ins = xApp.prepare('INSERT INTO extra(uuid, v) VALUES (?, ?)');
    for (let i = 0; i < 50; i++) ins.run(randomUUID(), i);
    const r = v.applyChangeset(x.buildChangeset('V1', { acked: {} }));
    assert.equal(r.notKept, 40);
    const vApp = new Database(files.v);
    clock.advance(1000);
    vApp.prepare('INSERT INTO person(uuid, name) VALUES (?, ?)').run(randomUUID(), 'own edit');
    // For a new peer, capped at 30 rows: X's run stops at its first row without data (and cannot
    // go at all: X's only signature held is over seq 50), and V's own edit still goes.
    const cs = v.buildChangeset('Y1', { acked: {}, maxChanges: 30 });
    assert.deepEqual(cs.changes.map((c) => [c.origin, c.table]), [['V1', 'person']]);
    assert.deepEqual(cs.upto, { V1: 1 });
    xApp.close();
    vApp.close();
    x.close();
    v.close();
  } finally {
    tmp.cleanup();
  }
});
