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
import { makeStations, tempDir } from '../sync/stations.js';
import { Station } from '../../src/station/Station.js';
import { serveOnline } from '../../src/sync/online.js';
import { Fallback, type FallbackEvent } from '../../src/sync/fallback.js';
import { lastPeerPath } from '../../src/sync/peerPath.js';
import { peerList } from '../../src/station/peerList.js';

function configure(home: string, lines: string): Station {
  const f = join(home, 'radiosync.toml');
  writeFileSync(f, readFileSync(f, 'utf8').replace('[online]\n', `[online]\n${lines}\n`));
  return Station.open(home, { env: {} });
}

/** Make the files in `dir` look settled (older than SETTLE_MS). */
function settle(dir: string): void {
  const old = new Date(Date.now() - 10_000);
  for (const n of readdirSync(dir)) if (n.endsWith('.rsb')) utimesSync(join(dir, n), old, old);
}

const pending = (st: Station, peer: string) => peerList(st).find((p) => p.callsign === peer)!.pendingRows;

test('fallback: online first; peer gone → bundle after the deadline; inbox import acknowledged back', async () => {
  const { dir, cleanup } = tempDir('radiosync-fallback-');
  const [a0, b0] = makeStations(dir, ['N0AAA', 'N0BBB']);
  const homes = [a0!.layout.home, b0!.layout.home];
  a0!.close();
  b0!.close();
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

    // B finds it in its inbox (A's outbox): imported, moved to done/, acknowledged through B's outbox
    settle(aOut);
    events.length = 0;
    await fb.tick();
    assert.deepEqual(events.map((e) => e.kind), ['bundle-in']);
    assert.equal(events[0]!.rows, 1);
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
