/**
 * The daemon's per-peer fallback (src/sync/fallback.ts) with real stations, real sockets and real
 * folders: online while the peer is reachable; when it is gone, after `bundle_after_s` a bundle in
 * the outbox; the peer imports it from its inbox and acknowledges it through its own outbox; the
 * acknowledgement moves the cursor. Each step records the path the peer took.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeStations, setOnlineConfig, tempDir } from '../sync/stations.js';
import { Station } from '../../src/station/Station.js';
import { serveOnline } from '../../src/sync/online.js';
import { Fallback, type FallbackEvent } from '../../src/sync/fallback.js';
import { lastPeerPath } from '../../src/sync/peerPath.js';
import { peerList } from '../../src/station/peerList.js';

function configure(home: string, lines: string): Station {
  setOnlineConfig(home, lines);
  return Station.open(home, { env: {} });
}

/** Two stations' homes (N0AAA on the sample data, N0BBB empty), closed: each test opens them with its own config. */
function twoHomes(): { dir: string; homes: [string, string]; cleanup: () => void } {
  const { dir, cleanup } = tempDir('radiosync-fallback-');
  const [a0, b0] = makeStations(dir, ['N0AAA', 'N0BBB']);
  const homes: [string, string] = [a0!.layout.home, b0!.layout.home];
  a0!.close();
  b0!.close();
  return { dir, homes, cleanup };
}

/** Make the files in `dir` look settled (older than SETTLE_MS). */
function settle(dir: string): void {
  const old = new Date(Date.now() - 10_000);
  for (const n of readdirSync(dir)) if (n.endsWith('.rsb')) utimesSync(join(dir, n), old, old);
}

const pending = (st: Station, peer: string) => peerList(st).find((p) => p.callsign === peer)!.pendingRows;

test('fallback: online first; peer gone → bundle after the deadline; inbox import acknowledged back', async () => {
  const { dir, homes, cleanup } = twoHomes();
  const aOut = join(dir, 'a-out');
  const bOut = join(dir, 'b-out');
  const b = configure(homes[1]!, `outbox = "${bOut}"\ninbox = "${aOut}"`);
  const srv = await serveOnline(b, { host: '127.0.0.1', port: 0 });
  const a = configure(homes[0]!, `retry_s = 1\nbundle_after_s = 1\noutbox = "${aOut}"\ninbox = "${bOut}"\npeers = { "N0BBB" = "127.0.0.1:${srv.port}" }`);
  const events: FallbackEvent[] = [];
  const fa = new Fallback({ station: a, onEvent: (e) => events.push(e) });
  const fb = new Fallback({ station: b, onEvent: (e) => events.push(e) });
  try {
    await fa.tick();
    assert.deepEqual(events.map((e) => e.kind), ['online']);
    assert.equal(lastPeerPath(a, 'N0BBB')?.path, 'online');
    assert.equal(lastPeerPath(a, 'N0BBB')?.ok, true);
    assert.equal(pending(a, 'N0BBB'), 0);
    assert.equal(existsSync(aOut), false, 'no bundle while online works');

    // the peer goes away; A edits
    await srv.close();
    a.records.db.prepare(`UPDATE person SET status = 'moved' WHERE id = (SELECT min(id) FROM person)`).run();
    a.records.capture();
    assert.equal(pending(a, 'N0BBB'), 1);
    await new Promise((r) => setTimeout(r, 1100));
    events.length = 0;
    await fa.tick();
    assert.deepEqual(events.map((e) => `${e.kind}:${e.detail?.startsWith('/') ? 'file' : e.detail}`), ['online-failed:RS_ERR_ONLINE_UNREACHABLE', 'bundle-out:file']);
    assert.equal(lastPeerPath(a, 'N0BBB')?.path, 'bundle-out');
    assert.equal(readdirSync(aOut).filter((n) => n.endsWith('.rsb')).length, 1);
    // not one bundle per tick: the next one waits for the next deadline
    await fa.tick();
    assert.equal(readdirSync(aOut).filter((n) => n.endsWith('.rsb')).length, 1);
    // nor one per deadline while it waits in the outbox and nothing is new (each failed online
    // attempt between them records the path `online`: the bundle's own time is kept apart)
    const first = readdirSync(aOut).filter((n) => n.endsWith('.rsb'));
    for (let i = 0; i < 2; i++) {
      await new Promise((r) => setTimeout(r, 1100));
      await fa.tick();
    }
    assert.deepEqual(readdirSync(aOut).filter((n) => n.endsWith('.rsb')), first, 'the same bundle, not written again');
    // something new: the next deadline writes a new bundle, which replaces the one still waiting
    a.records.db.prepare(`UPDATE person SET status = 'moved' WHERE id = (SELECT max(id) FROM person)`).run();
    a.records.capture();
    await new Promise((r) => setTimeout(r, 1100));
    await fa.tick();
    const second = readdirSync(aOut).filter((n) => n.endsWith('.rsb'));
    assert.equal(second.length, 1);
    assert.notDeepEqual(second, first);

    // B finds it in its inbox (A's outbox): imported, moved to done/, acknowledged through B's outbox
    settle(aOut);
    events.length = 0;
    await fb.tick();
    assert.deepEqual(events.map((e) => e.kind), ['bundle-in']);
    assert.equal(events[0]!.rows, 2);
    assert.equal(b.records.db.prepare(`SELECT status FROM person WHERE id = (SELECT min(id) FROM person)`).pluck().get(), 'moved');
    assert.equal(lastPeerPath(b, 'N0AAA')?.path, 'bundle-in');
    assert.deepEqual(readdirSync(join(aOut, 'done')).length, 1);
    assert.equal(readdirSync(bOut).filter((n) => n.endsWith('-ack.rsb')).length, 1);

    // A imports the acknowledgement: nothing pending for B any more, and no new bundle
    settle(bOut);
    events.length = 0;
    await fa.tick();
    assert.equal(events[0]!.kind, 'bundle-in');
    assert.equal(pending(a, 'N0BBB'), 0);
    assert.ok(!events.some((e) => e.kind === 'bundle-out'));
    // a receipt alone is not answered (the answer would be answered, forever)
    assert.equal(readdirSync(aOut).filter((n) => n.endsWith('-ack.rsb')).length, 0, 'no receipt for a receipt');
  } finally {
    await fa.close();
    await fb.close();
    a.close();
    b.close();
    cleanup();
  }
});

test('fallback: a truncated bundle in the inbox moves to failed/ with its code; the rest goes on', async () => {
  const { dir, cleanup } = tempDir('radiosync-fallback-');
  const [a0, b0] = makeStations(dir, ['N0AAA', 'N0BBB']);
  const home = b0!.layout.home;
  b0!.close();
  const inbox = join(dir, 'in');
  const { mkdirSync } = await import('node:fs');
  mkdirSync(inbox);
  const { exportBundle } = await import('../../src/sync/bundleExport.js');
  const ex = exportBundle(a0!, ['N0BBB']);
  a0!.close();
  writeFileSync(join(inbox, 'cut.rsb'), ex.bytes.subarray(0, ex.bytes.length >> 1));
  writeFileSync(join(inbox, 'whole.rsb'), ex.bytes);
  settle(inbox);
  const b = configure(home, `inbox = "${inbox}"`);
  const events: FallbackEvent[] = [];
  const fb = new Fallback({ station: b, onEvent: (e) => events.push(e) });
  try {
    await fb.tick();
    assert.deepEqual(events.map((e) => e.kind), ['bundle-failed', 'bundle-in']);
    assert.match(events[0]!.detail!, /cut\.rsb: RS_ERR_BUNDLE_TRUNCATED/);
    assert.deepEqual(readdirSync(join(inbox, 'failed')), ['cut.rsb']);
    assert.deepEqual(readdirSync(join(inbox, 'done')), ['whole.rsb']);
    assert.ok(events[1]!.rows! > 4000);
  } finally {
    await fb.close();
    b.close();
    cleanup();
  }
});

test('fallback: online first: the radio is held for a peer online reaches, and told the moment online fails', async () => {
  const { homes, cleanup } = twoHomes();
  const b = configure(homes[1]!, 'listen = "127.0.0.1:0"');
  const lostAtB: string[] = [];
  const syncedAtB: string[] = [];
  const fb = new Fallback({ station: b, onOnlineLost: (p) => lostAtB.push(p), onOnlineSynced: (p) => syncedAtB.push(p) });
  const srv = (await fb.start())!;
  const { tcpTap } = await import('./tap.js');
  const tap = await tcpTap(srv.port);
  const a = configure(homes[0]!, `retry_s = 1\npeers = { "N0BBB" = "127.0.0.1:${tap.port}" }`);
  const lost: string[] = [];
  const synced: string[] = [];
  const fa = new Fallback({ station: a, onOnlineLost: (p) => lost.push(p), onOnlineSynced: (p) => synced.push(p) });
  try {
    // an address not tried yet: held (the first round tries it); B has no address for A: not held
    assert.equal(fa.holdsRadio('N0BBB'), true);
    assert.equal(fb.holdsRadio('N0AAA'), false);
    // while the session runs, B holds A too (a session with it is under way)
    let heldAtB = false;
    let done = false;
    const t = fa.tick().finally(() => (done = true));
    while (!done) {
      heldAtB ||= fb.holdsRadio('N0AAA');
      await new Promise((r) => setTimeout(r, 2));
    }
    await t;
    assert.ok(heldAtB, 'B held its radio for A during the session');
    assert.equal(pending(a, 'N0BBB'), 0);
    assert.equal(fa.holdsRadio('N0BBB'), true, 'the last attempt reached B: still held');
    // B lets go once its end of the session is over (it may close just after A's)
    for (let i = 0; i < 200 && fb.holdsRadio('N0AAA'); i++) await new Promise((r) => setTimeout(r, 10));
    assert.equal(fb.holdsRadio('N0AAA'), false);
    assert.deepEqual([lost, lostAtB], [[], []]);
    // the session ended in sync at both ends: each tells its radio it may drop what it queued
    assert.deepEqual([synced, syncedAtB], [['N0BBB'], ['N0AAA']]);

    // the link dies mid-session (the tap closes both ways after the first KiB): both ends let go
    a.records.db.prepare(`UPDATE person SET status = 'moved'`).run();
    a.records.capture();
    await new Promise((r) => setTimeout(r, 1100));
    await tap.close();
    const tap2 = await tcpTap(srv.port, { cutAfter: 1024 });
    a.close();
    const toml = join(homes[0]!, 'radiosync.toml');
    writeFileSync(toml, readFileSync(toml, 'utf8').replace(`127.0.0.1:${tap.port}`, `127.0.0.1:${tap2.port}`));
    const a2 = Station.open(homes[0]!, { env: {} });
    const fa2 = new Fallback({ station: a2, onOnlineLost: (p) => lost.push(p) });
    try {
      await fa2.tick();
      assert.equal(fa2.holdsRadio('N0BBB'), false, 'the attempt failed: the radio may carry B');
      assert.deepEqual(lost, ['N0BBB']);
      assert.ok(pending(a2, 'N0BBB') > 0);
      // B's side of the session failed too (a close mid-stream): it tells its radio about A
      for (let i = 0; i < 200 && lostAtB.length === 0; i++) await new Promise((r) => setTimeout(r, 10));
      assert.deepEqual(lostAtB, ['N0AAA']);
      assert.equal(fb.holdsRadio('N0AAA'), false);
      assert.deepEqual([synced, syncedAtB], [['N0BBB'], ['N0AAA']], 'a failed session drops nothing');
    } finally {
      await fa2.close();
      a2.close();
      await tap2.close();
    }
  } finally {
    await tap.close();
    await fa.close();
    await fb.close();
    a.close();
    b.close();
    cleanup();
  }
});

test('fallback: a station that does not listen asks its reachable peers every retry_s, pending or not, so it gets what they have for it; one that listens waits to be reached', async () => {
  const { homes, cleanup } = twoHomes();
  const b = Station.open(homes[1]!, { env: {} });
  const aToml = join(homes[0]!, 'radiosync.toml');
  const plain = readFileSync(aToml, 'utf8');
  const srv = await serveOnline(b, { host: '127.0.0.1', port: 0 });
  const a = configure(homes[0]!, `retry_s = 1\npeers = { "N0BBB" = "127.0.0.1:${srv.port}" }`);
  const events: FallbackEvent[] = [];
  const fa = new Fallback({ station: a, onEvent: (e) => events.push(e) });
  const opened: Array<{ close(): unknown }> = [a];
  const uuid = a.records.db.prepare('SELECT uuid FROM person ORDER BY id LIMIT 1').pluck().get();
  const edit = (status: string) => b.records.db.prepare('UPDATE person SET status = ? WHERE uuid = ?').run(status, uuid);
  const statusAt = (st: Station) => st.records.db.prepare('SELECT status FROM person WHERE uuid = ?').pluck().get(uuid);
  try {
    await fa.tick();
    assert.deepEqual(events.map((e) => `${e.kind}:${e.detail}`), ['online:in sync']);
    assert.equal(pending(a, 'N0BBB'), 0);
    // B edits; A owes B nothing, but it does not listen: it asks at the next retry and gets the edit
    edit('found');
    b.records.capture();
    await fa.tick();
    assert.equal(events.length, 1, 'not before retry_s');
    await new Promise((r) => setTimeout(r, 1100));
    await fa.tick();
    assert.deepEqual(events.map((e) => e.kind), ['online', 'online']);
    assert.equal(statusAt(a), 'found');
    await fa.close();
    a.close();
    opened.length = 0;

    // the same station listening: B can reach it, so with nothing pending it does not ask
    writeFileSync(aToml, plain);
    const a2 = configure(homes[0]!, `listen = "127.0.0.1:0"\nretry_s = 1\npeers = { "N0BBB" = "127.0.0.1:${srv.port}" }`);
    opened.push(a2);
    const events2: FallbackEvent[] = [];
    const fa2 = new Fallback({ station: a2, onEvent: (e) => events2.push(e) });
    opened.push(fa2);
    await fa2.start();
    edit('moved');
    b.records.capture();
    await new Promise((r) => setTimeout(r, 1100));
    await fa2.tick();
    assert.deepEqual(events2.map((e) => e.kind), ['listening'], 'nothing pending at A: no attempt');
    assert.equal(statusAt(a2), 'found');
    assert.equal(statusAt(b), 'moved');
  } finally {
    await fa.close();
    for (const o of opened.reverse()) await o.close();
    await srv.close();
    b.close();
    cleanup();
  }
});

test('fallback: close() cuts a session under way at once (a silent peer would otherwise hold it for the handshake and stall timeouts)', async () => {
  const { homes, cleanup } = twoHomes();
  const b = Station.open(homes[1]!, { env: {} });
  const srv = await serveOnline(b, { host: '127.0.0.1', port: 0 });
  const { tcpTap } = await import('./tap.js');
  const tap = await tcpTap(srv.port, { mode: 'silent' });
  tap.cut(); // nothing gets through, nothing is closed
  const a = configure(homes[0]!, `peers = { "N0BBB" = "127.0.0.1:${tap.port}" }`);
  const events: FallbackEvent[] = [];
  const fa = new Fallback({ station: a, onEvent: (e) => events.push(e) });
  try {
    let done = false;
    const t = fa.tick().finally(() => (done = true));
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(done, false, 'the session waits on the silent peer');
    const t0 = Date.now();
    await fa.close();
    await t;
    assert.ok(Date.now() - t0 < 2_000, `ended ${Date.now() - t0} ms after close()`);
    assert.deepEqual(events.map((e) => `${e.kind}:${e.detail}`), ['online-failed:RS_ERR_ONLINE_CLOSED']);
  } finally {
    await fa.close();
    await tap.close();
    await srv.close();
    a.close();
    b.close();
    cleanup();
  }
});
