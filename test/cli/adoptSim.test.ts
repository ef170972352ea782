/**
 * The Chinook-shaped database (fixtures/chinook) over the simulator: `init --add-uuids` at HQ,
 * `init --schema-from … --add-uuids` at the field station, then real `radiosync send` and
 * `receive` processes through `radiosync sim` at 10% frame loss. The tables end identical,
 * compared by UUID with references followed. (By bundle: test/cli/adopt.test.ts.)
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { radiosync, radiosyncAsync, startSim } from './cliHarness.js';
import { Station } from '../../src/station/Station.js';
import { tableFingerprints } from '../../src/sync/tableFingerprint.js';

const TABLES = 'Artist,Album,Genre,MediaType,Track,Employee,Customer,Invoice,InvoiceLine,Playlist,PlaylistTrack';

test('Chinook through radiosync sim at 10% loss after init --add-uuids at each station: tables identical by UUID', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'radiosync-chinook-'));
  const sim = await startSim(['--stations', 'HQ1,FLD1', '--bitrate', '76800', '--loss', '0.1', '--seed', '7', '--no-pty', '--txdelay', '50']);
  try {
    const hqDb = join(dir, 'chinook.sqlite');
    const db = new Database(hqDb);
    db.exec(readFileSync(new URL('../../fixtures/chinook/chinook.sql', import.meta.url), 'utf8'));
    db.close();
    const hq = join(dir, 'hq');
    const field = join(dir, 'field');
    let r = radiosync(['init', '--home', hq, '--callsign', 'HQ1', '--db', hqDb, '--tables', TABLES, '--add-uuids']);
    assert.equal(r.code, 0, r.stderr);
    r = radiosync(['init', '--home', field, '--callsign', 'FLD1', '--db', join(dir, 'field.sqlite'), '--tables', TABLES, '--schema-from', hqDb, '--add-uuids']);
    assert.equal(r.code, 0, r.stderr);
    const keyA = radiosync(['key', '--home', hq]).stdout.trim();
    const keyB = radiosync(['key', '--home', field]).stdout.trim();
    assert.equal(radiosync(['peer', 'add', 'FLD1', '--key', keyB, '--home', hq]).code, 0);
    assert.equal(radiosync(['peer', 'add', 'HQ1', '--key', keyA, '--home', field]).code, 0);
    const [sa, sb] = sim.stations;
    const common = ['--bitrate', '76800', '--timeout', '120', '--json'];
    const recv = radiosyncAsync(['receive', '--home', field, '--kiss-tcp', `${sb!.host}:${sb!.port}`, '--once', ...common]);
    const send = radiosyncAsync(['send', '--home', hq, '--to', 'FLD1', '--kiss-tcp', `${sa!.host}:${sa!.port}`, ...common]);
    const s = await send.done;
    const v = await recv.done;
    assert.equal(s.code, 0, `send: ${s.stderr}\n${s.stdout}`);
    assert.equal(v.code, 0, `receive: ${v.stderr}\n${v.stdout}`);
    const a = Station.open(hq, { env: {} });
    const b = Station.open(field, { env: {} });
    try {
      const fa = tableFingerprints(a.records);
      assert.equal(fa.length, 11);
      assert.ok(fa.every((x) => x.rows > 0));
      assert.deepEqual(tableFingerprints(b.records), fa);
    } finally {
      a.close();
      b.close();
    }
  } finally {
    await sim.stop().catch(() => {});
    rmSync(dir, { recursive: true, force: true });
  }
});
