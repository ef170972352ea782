/**
 * The online transport in one process, over real TCP sockets on loopback: two real stations
 * (SQLite, keys), `serveOnline` and `syncOnline`.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { mkdirSync } from 'node:fs';
import { makeStations, tempDir } from '../sync/stations.js';
import { serveOnline, syncOnline } from '../../src/sync/online.js';
import { tableFingerprints } from '../../src/sync/tableFingerprint.js';
import { isRadiosyncError } from '../../src/errors/RadiosyncError.js';
import { lastPeerPath } from '../../src/sync/peerPath.js';
import { tcpTap } from './tap.js';

/** Wait (at most 5 s) until `ok()`: the server finishes its side a moment after the client. */
export async function until(ok: () => boolean, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!ok() && Date.now() < end) await new Promise((r) => setTimeout(r, 10));
}

test('sync over TCP: both directions, in sync, then a second sync sends nothing', async () => {
  const { dir, cleanup } = tempDir('radiosync-online-');
  const [a, b] = makeStations(dir, ['N0AAA', 'N0BBB']);
  const srv = await serveOnline(b!, { host: '127.0.0.1', port: 0 });
  try {
    b!.records.db.prepare(`UPDATE person SET status = 'found' WHERE id = (SELECT min(id) FROM person)`).run();
    const r = await syncOnline(a!, { host: '127.0.0.1', port: srv.port, with: 'N0BBB' });
    assert.equal(r.ok, true, JSON.stringify(r));
    assert.ok(r.sent.rows > 4000, `rows ${r.sent.rows}`);
    assert.equal(r.verdict.state, 'in sync');
    assert.deepEqual(tableFingerprints(b!.records), tableFingerprints(a!.records));
    assert.equal(lastPeerPath(a!, 'N0BBB')?.path, 'online');
    const again = await syncOnline(a!, { host: '127.0.0.1', port: srv.port, with: 'N0BBB' });
    assert.equal(again.ok, true);
    assert.equal(again.sent.rows, 0);
    assert.equal(again.received.rows, 0);
    await until(() => srv.stats.sessions === 2);
    assert.equal(srv.stats.sessions, 2);
  } finally {
    await srv.close();
    a!.close();
    b!.close();
    cleanup();
  }
});

/** A tap that cuts both ways (closing) after `cutAfter` client→server bytes (or server→client with `direction: 'down'`). */
const relay = (port: number, opts: { cutAfter?: number; direction?: 'up' | 'down' } = {}) => tcpTap(port, opts);

const onlineCode = (e: unknown) => isRadiosyncError(e) && e.code.startsWith('RS_ERR_ONLINE_');

test('a stranger and an impostor are refused at the handshake; nothing is applied; the server keeps serving', async () => {
  const { dir, cleanup } = tempDir('radiosync-online-');
  const [b, c] = makeStations(dir, ['N0BBB', 'N0CCC']);
  mkdirSync(`${dir}/evil`);
  mkdirSync(`${dir}/fake`);
  const [evil] = makeStations(`${dir}/evil`, ['N0EVL']);
  const [fake] = makeStations(`${dir}/fake`, ['N0CCC']); // claims N0CCC with another key
  evil!.addPeer('N0BBB', b!.publicKey());
  fake!.addPeer('N0BBB', b!.publicKey());
  const srv = await serveOnline(b!, { host: '127.0.0.1', port: 0 });
  try {
    const before = tableFingerprints(b!.records);
    await assert.rejects(() => syncOnline(evil!, { host: '127.0.0.1', port: srv.port, with: 'N0BBB' }), (e) => isRadiosyncError(e, 'RS_ERR_ONLINE_UNTRUSTED'));
    await assert.rejects(() => syncOnline(fake!, { host: '127.0.0.1', port: srv.port, with: 'N0BBB' }), (e) => isRadiosyncError(e, 'RS_ERR_ONLINE_AUTH_FAILED'));
    await until(() => srv.stats.refused === 2);
    assert.equal(srv.stats.refused, 2);
    assert.equal(b!.log.counters()['online.RS_ERR_ONLINE_UNTRUSTED'], 1);
    assert.equal(b!.log.counters()['online.RS_ERR_ONLINE_AUTH_FAILED'], 1);
    assert.deepEqual(tableFingerprints(b!.records), before, 'nothing from the stranger or the impostor');
    // a client that asked for another (trusted) station than the one answering is refused too
    c!.addPeer('N0DDD', evil!.publicKey());
    await assert.rejects(() => syncOnline(c!, { host: '127.0.0.1', port: srv.port, with: 'N0DDD' }), (e) => isRadiosyncError(e, 'RS_ERR_ONLINE_WRONG_PEER'));
    // and a station it does not know at all is named as such, before anything is connected
    await assert.rejects(() => syncOnline(c!, { host: '127.0.0.1', port: srv.port, with: 'N0XYZ' }), (e) => isRadiosyncError(e, 'RS_ERR_PEER_UNKNOWN') && (e as { exit: number }).exit === 66);
    // and the real N0CCC is still served
    const r = await syncOnline(c!, { host: '127.0.0.1', port: srv.port, with: 'N0BBB' });
    assert.equal(r.ok, true);
    assert.ok(r.received.rows > 4000);
  } finally {
    await srv.close();
    for (const s of [b, c, evil, fake]) s!.close();
    cleanup();
  }
});

test('a recorded session replayed to the server is refused (its nonce is new each time)', async () => {
  const { dir, cleanup } = tempDir('radiosync-online-');
  const [a, b] = makeStations(dir, ['N0AAA', 'N0BBB']);
  const srv = await serveOnline(b!, { host: '127.0.0.1', port: 0 });
  const tap = await relay(srv.port);
  try {
    a!.records.db.prepare(`UPDATE person SET status = 'seen' WHERE id = (SELECT min(id) FROM person)`).run();
    const r = await syncOnline(a!, { host: '127.0.0.1', port: tap.port, with: 'N0BBB' });
    assert.equal(r.ok, true);
    const recorded = Buffer.concat(tap.sent);
    assert.ok(recorded.length > 1000);
    b!.records.db.prepare(`UPDATE person SET status = 'changed after' WHERE id = (SELECT min(id) FROM person)`).run();
    const before = tableFingerprints(b!.records);
    const answer = await new Promise<Buffer>((resolve) => {
      const s = connect(srv.port, '127.0.0.1', () => s.write(recorded));
      const got: Buffer[] = [];
      s.on('data', (d: Buffer) => got.push(d)).on('error', () => undefined).on('close', () => resolve(Buffer.concat(got)));
    });
    await until(() => srv.stats.refused === 1);
    assert.equal(srv.stats.refused, 1);
    assert.equal(b!.log.counters()['online.RS_ERR_ONLINE_AUTH_FAILED'], 1);
    // the server's M2, then its refusal (status 2 = authentication failed), and nothing else
    const m2len = answer.readUInt32BE(0);
    assert.equal(answer[4 + m2len + 4], 2);
    assert.deepEqual(tableFingerprints(b!.records), before, 'the replay applied nothing');
  } finally {
    await tap.close();
    await srv.close();
    a!.close();
    b!.close();
    cleanup();
  }
});

test('a stream cut at any byte offset applies whole changesets only; the next sync resends only what was not acknowledged', async () => {
  const fc = await import('fast-check');
  const { dir, cleanup } = tempDir('radiosync-online-');
  const [a, b] = makeStations(dir, ['N0AAA', 'N0BBB']);
  const srv = await serveOnline(b!, { host: '127.0.0.1', port: 0, rowsPerChangeset: 500 });
  try {
    // how many bytes each direction carries in a full session (measured on a copy of the same pair)
    const { dir: d2, cleanup: c2 } = tempDir('radiosync-online-');
    const [a2, b2] = makeStations(d2, ['N0AAA', 'N0BBB']);
    const srv2 = await serveOnline(b2!, { host: '127.0.0.1', port: 0 });
    const full = await syncOnline(a2!, { host: '127.0.0.1', port: srv2.port, with: 'N0BBB', rowsPerChangeset: 500 });
    await srv2.close();
    a2!.close();
    b2!.close();
    c2();
    const total = a!.records.versionVector()['N0AAA']!;
    assert.ok(full.sent.changesets >= 8, `${full.sent.changesets} changesets`);
    // cut offsets, seeded: first sync of the pair, cut after `cut` bytes up (client→server) or down
    const cuts = fc.sample(fc.tuple(fc.integer({ min: 0, max: full.bytesOut - 1 }), fc.constantFrom('up' as const, 'down' as const)), { seed: 1616, numRuns: 10 });
    cuts.sort((x, y) => x[0] - y[0]);
    for (const [cut, direction] of cuts) {
      const heldBefore = b!.records.versionVector()['N0AAA'] ?? 0;
      if (heldBefore === total) break;
      const tap = await relay(srv.port, { cutAfter: direction === 'up' ? cut : Math.min(cut, full.bytesIn - 1), direction });
      let finished = false;
      try {
        // a cut past the end of this (shorter) session lets it finish: then it must be whole
        const r = await syncOnline(a!, { host: '127.0.0.1', port: tap.port, with: 'N0BBB', rowsPerChangeset: 500, stallMs: 2000 });
        assert.equal(r.ok, true);
        finished = true;
      } catch (e) {
        assert.ok(onlineCode(e), `cut at ${cut} ${direction}: ${String(e)}`);
      } finally {
        await tap.close();
      }
      if (finished) assert.equal(b!.records.versionVector()['N0AAA'], total);
      await new Promise((r) => setTimeout(r, 50));
      const held = b!.records.versionVector()['N0AAA'] ?? 0;
      assert.ok(held === total || held % 500 === 0, `cut at ${cut} ${direction}: ${held} rows held, not whole changesets of 500`);
    }
    const held = b!.records.versionVector()['N0AAA'] ?? 0;
    const acked = a!.records.peer('N0BBB')?.acked['N0AAA'] ?? 0;
    assert.ok(acked <= held, 'A never believes more delivered than B holds');
    const r = await syncOnline(a!, { host: '127.0.0.1', port: srv.port, with: 'N0BBB', rowsPerChangeset: 500 });
    assert.equal(r.ok, true);
    assert.equal(r.sent.rows, total - held, 'only what B did not hold went again');
    assert.deepEqual(tableFingerprints(b!.records), tableFingerprints(a!.records));
    await until(() => srv.stats.sessions >= 1);
    assert.ok(srv.stats.failed + srv.stats.refused >= 1, 'the cut sessions failed on the server side too');
  } finally {
    await srv.close();
    a!.close();
    b!.close();
    cleanup();
  }
});

test('a silent client, a silent server and an oversized frame are timed out or refused with stable codes', async () => {
  const { dir, cleanup } = tempDir('radiosync-online-');
  const [a, b] = makeStations(dir, ['N0AAA', 'N0BBB']);
  const events: string[] = [];
  const srv = await serveOnline(b!, { host: '127.0.0.1', port: 0, handshakeMs: 300, onEvent: (e) => events.push(e.code ?? e.kind) });
  const { createServer } = await import('node:net');
  const mute = createServer(() => undefined);
  await new Promise<void>((r) => mute.listen(0, '127.0.0.1', r));
  try {
    const silent = connect(srv.port, '127.0.0.1');
    silent.on('error', () => undefined);
    const huge = connect(srv.port, '127.0.0.1', () => huge.write(Buffer.from([0xff, 0xff, 0xff, 0xff, 1, 2, 3])));
    huge.on('error', () => undefined);
    await until(() => events.length === 2);
    assert.deepEqual(events.sort(), ['RS_ERR_ONLINE_FRAME_TOO_LARGE', 'RS_ERR_ONLINE_STALLED']);
    silent.destroy();
    huge.destroy();
    const port = (mute.address() as { port: number }).port;
    await assert.rejects(() => syncOnline(a!, { host: '127.0.0.1', port, with: 'N0BBB', handshakeMs: 300 }), (e) => isRadiosyncError(e, 'RS_ERR_ONLINE_STALLED'));
    await assert.rejects(() => syncOnline(a!, { host: '127.0.0.1', port: 1, with: 'N0BBB' }), (e) => isRadiosyncError(e, 'RS_ERR_ONLINE_UNREACHABLE'));
    const r = await syncOnline(a!, { host: '127.0.0.1', port: srv.port, with: 'N0BBB' });
    assert.equal(r.ok, true, 'still serving');
  } finally {
    mute.close();
    await srv.close();
    a!.close();
    b!.close();
    cleanup();
  }
});

test('store-and-forward hub: A and B never online together, both sync with the hub, and converge', async () => {
  const { dir, cleanup } = tempDir('radiosync-online-');
  const [a, hub, b] = makeStations(dir, ['N0AAA', 'N0HUB', 'N0BBB']);
  const srv = await serveOnline(hub!, { host: '127.0.0.1', port: 0 });
  try {
    const up = await syncOnline(a!, { host: '127.0.0.1', port: srv.port, with: 'N0HUB' });
    assert.equal(up.ok, true);
    // B comes online later, when A is gone: it gets A's rows from the hub, edits one, and hands the edit to the hub
    const down = await syncOnline(b!, { host: '127.0.0.1', port: srv.port, with: 'N0HUB' });
    assert.equal(down.ok, true, JSON.stringify(down.verdict));
    assert.ok(down.received.rows > 4000, `B received ${down.received.rows}`);
    b!.records.db.prepare(`UPDATE person SET status = 'at shelter' WHERE id = (SELECT min(id) FROM person)`).run();
    const edit = await syncOnline(b!, { host: '127.0.0.1', port: srv.port, with: 'N0HUB' });
    assert.equal(edit.sent.rows, 1);
    // A comes back: it gets B's edit through the hub
    const back = await syncOnline(a!, { host: '127.0.0.1', port: srv.port, with: 'N0HUB' });
    assert.equal(back.ok, true);
    assert.equal(back.received.rows, 1);
    assert.deepEqual(tableFingerprints(a!.records), tableFingerprints(b!.records));
  } finally {
    await srv.close();
    for (const s of [a, hub, b]) s!.close();
    cleanup();
  }
});

test('the same stream over WebSocket: a sync works, a stranger is refused, plain HTTP gets 426', async () => {
  const { dir, cleanup } = tempDir('radiosync-online-');
  const [a, b] = makeStations(dir, ['N0AAA', 'N0BBB']);
  mkdirSync(`${dir}/evil`);
  const [evil] = makeStations(`${dir}/evil`, ['N0EVL']);
  evil!.addPeer('N0BBB', b!.publicKey());
  const srv = await serveOnline(b!, { host: '127.0.0.1', port: 0, ws: { host: '127.0.0.1', port: 0 } });
  try {
    const url = `ws://127.0.0.1:${srv.wsPort}/radiosync`;
    const r = await syncOnline(a!, { url, with: 'N0BBB' });
    assert.equal(r.ok, true);
    assert.ok(r.sent.rows > 4000);
    assert.deepEqual(tableFingerprints(b!.records), tableFingerprints(a!.records));
    await assert.rejects(() => syncOnline(evil!, { url, with: 'N0BBB' }), (e) => isRadiosyncError(e, 'RS_ERR_ONLINE_UNTRUSTED'));
    await assert.rejects(() => syncOnline(a!, { url: `ws://127.0.0.1:${srv.wsPort}/elsewhere`, with: 'N0BBB' }), (e) => isRadiosyncError(e, 'RS_ERR_ONLINE_UNREACHABLE'));
    const res = await fetch(`http://127.0.0.1:${srv.wsPort}/radiosync`);
    assert.equal(res.status, 426);
    await until(() => srv.stats.refused === 1);
    assert.equal(srv.stats.refused, 1);
  } finally {
    await srv.close();
    for (const s of [a, b, evil]) s!.close();
    cleanup();
  }
});

test('an online transfer cut mid-way finishes over the (simulated) radio, without resending what was acknowledged', async () => {
  const { ManualClock } = await import('../../src/clock/ManualClock.js');
  const { RadioChannel } = await import('../../src/sim/RadioChannel.js');
  const { StationRuntime } = await import('../../src/sync/StationRuntime.js');
  const { simRadioPort } = await import('../../src/sync/FramePort.js');
  const { syncSession } = await import('../../src/sync/sessions.js');
  const { dir, cleanup } = tempDir('radiosync-online-');
  const clock = new ManualClock(Date.UTC(2026, 11, 2, 12, 0, 0));
  const [a, b] = makeStations(dir, ['N0AAA', 'N0BBB'], { clock });
  const srv = await serveOnline(b!, { host: '127.0.0.1', port: 0 });
  try {
    const total = a!.records.versionVector()['N0AAA']!;
    // the online peer disappears after about half of the stream
    const tap = await relay(srv.port, { cutAfter: 40_000 });
    await assert.rejects(() => syncOnline(a!, { host: '127.0.0.1', port: tap.port, with: 'N0BBB', rowsPerChangeset: 100 }), onlineCode);
    await tap.close();
    await srv.close();
    await new Promise((r) => setTimeout(r, 50));
    const acked = a!.records.peer('N0BBB')?.acked['N0AAA'] ?? 0;
    const held = b!.records.versionVector()['N0AAA'] ?? 0;
    assert.ok(acked > 0 && acked < total, `acknowledged online before the cut: ${acked} of ${total}`);
    assert.ok(held >= acked);
    // the radio takes over
    const channel = new RadioChannel({ clock, seed: 5, bitrate: 9600, loss: { kind: 'iid', p: 0 } });
    const ra = new StationRuntime({ station: a!, port: simRadioPort(channel.attach('N0AAA')), bitrate: 9600 });
    const rb = new StationRuntime({ station: b!, port: simRadioPort(channel.attach('N0BBB')), bitrate: 9600 });
    try {
      let done = false;
      const p = syncSession(ra, 'N0BBB', { timeoutMs: 3600_000 }).finally(() => (done = true));
      await clock.run(() => done, 6 * 3600_000);
      const r = await p;
      assert.equal(r.ok, true);
      assert.equal(r.sent.rows, total - acked, 'the radio carried only what was not acknowledged online');
    } finally {
      ra.close();
      rb.close();
    }
    assert.deepEqual(tableFingerprints(b!.records), tableFingerprints(a!.records));
  } finally {
    a!.close();
    b!.close();
    cleanup();
  }
});

test('one session per peer at a time: a second connection from the same station while one runs is refused as busy', async () => {
  const { dir, cleanup } = tempDir('radiosync-online-');
  const [a, b] = makeStations(dir, ['N0AAA', 'N0BBB']);
  const srv = await serveOnline(b!, { host: '127.0.0.1', port: 0 });
  try {
    const results = await Promise.allSettled([
      syncOnline(a!, { host: '127.0.0.1', port: srv.port, with: 'N0BBB' }),
      syncOnline(a!, { host: '127.0.0.1', port: srv.port, with: 'N0BBB' }),
    ]);
    const ok = results.filter((r) => r.status === 'fulfilled');
    const busy = results.filter((r) => r.status === 'rejected' && isRadiosyncError(r.reason, 'RS_ERR_ONLINE_BUSY'));
    assert.equal(ok.length, 1, JSON.stringify(results.map((r) => r.status === 'rejected' ? String(r.reason) : 'ok')));
    assert.equal(busy.length, 1);
    assert.deepEqual(tableFingerprints(b!.records), tableFingerprints(a!.records));
  } finally {
    await srv.close();
    a!.close();
    b!.close();
    cleanup();
  }
});

test('an address that answers with another protocol (an HTTP server) is named as not a radiosync station', async () => {
  const { createServer } = await import('node:net');
  const { dir, cleanup } = tempDir('radiosync-online-http-');
  const [a] = makeStations(dir, ['N0AAA', 'N0BBB']);
  const socks = new Set<import('node:net').Socket>();
  const http = createServer((s) => {
    socks.add(s);
    s.end('HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n');
  });
  await new Promise<void>((r) => http.listen(0, '127.0.0.1', () => r()));
  try {
    const port = (http.address() as { port: number }).port;
    await assert.rejects(() => syncOnline(a!, { host: '127.0.0.1', port, with: 'N0BBB' }), (e: unknown) => {
      assert.ok(isRadiosyncError(e, 'RS_ERR_ONLINE_FRAME_TOO_LARGE'), String(e));
      assert.match((e as Error).message, /not a radiosync station .*"HTTP"/);
      return true;
    });
  } finally {
    for (const s of socks) s.destroy();
    await new Promise<void>((r) => http.close(() => r()));
    a!.close();
    cleanup();
  }
});
