/**
 * `radiosync serve` and `radiosync sync --tcp` as real processes over loopback TCP: a sync works
 * (exit 0, in sync), a stranger is refused (exit 69, RS_ERR_ONLINE_UNTRUSTED) and the server goes
 * on serving; `status` and `peers` show the path each peer took last.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { appendFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import Database from 'better-sqlite3';
import { createInterface } from 'node:readline';
import { BIN, radiosync } from './cliHarness.js';
import { makeStations, tempDir } from '../sync/stations.js';
import { tableFingerprints } from '../../src/sync/tableFingerprint.js';
import { Station } from '../../src/station/Station.js';

async function serve(home: string): Promise<{ port: number; wsPort: number; lines: Array<Record<string, unknown>>; stop: () => Promise<number> }> {
  const child = spawn(process.execPath, [BIN, 'serve', '--home', home, '--listen', '127.0.0.1:0', '--ws', '127.0.0.1:0', '--json'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let err = '';
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  const lines: Array<Record<string, unknown>> = [];
  const rl = createInterface({ input: child.stdout! });
  let wsPort = 0;
  const port = await new Promise<number>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`serve did not start: ${err}`)), 20_000);
    rl.on('line', (l) => {
      const j = JSON.parse(l) as Record<string, unknown>;
      lines.push(j);
      if (j['event'] === 'ready') {
        clearTimeout(t);
        wsPort = j['wsPort'] as number;
        resolve(j['port'] as number);
      }
    });
    child.on('exit', () => reject(new Error(`serve exited: ${err}`)));
  });
  const exited = new Promise<number>((resolve) => child.on('exit', (c) => resolve(c ?? -1)));
  return { port, wsPort, lines, stop: () => (child.kill('SIGTERM'), exited) };
}

test('serve and sync --tcp / --ws: a sync, a stranger refused, the server still serving, the path shown', async () => {
  const { dir, cleanup } = tempDir('radiosync-cli-online-');
  const stations = makeStations(dir, ['N0AAA', 'N0BBB']);
  mkdirSync(`${dir}/evil`);
  const [evil] = makeStations(`${dir}/evil`, ['N0EVL']);
  evil!.addPeer('N0BBB', stations[1]!.publicKey());
  const homes = [...stations, evil!].map((s) => s.layout.home);
  for (const s of [...stations, evil!]) s.close();
  const srv = await serve(homes[1]!);
  try {
    const r = radiosync(['sync', '--home', homes[0]!, '--with', 'N0BBB', '--tcp', `127.0.0.1:${srv.port}`, '--json']);
    assert.equal(r.code, 0, r.stderr);
    const j = JSON.parse(r.stdout) as { ok: boolean; sent: { rows: number }; verdict: { state: string } };
    assert.equal(j.ok, true);
    assert.ok(j.sent.rows > 4000);
    assert.equal(j.verdict.state, 'in sync');

    const s = radiosync(['sync', '--home', homes[2]!, '--with', 'N0BBB', '--tcp', `127.0.0.1:${srv.port}`]);
    assert.equal(s.code, 69, s.stderr);
    assert.match(s.stderr, /RS_ERR_ONLINE_UNTRUSTED/);

    // the same over WebSocket
    const again = radiosync(['sync', '--home', homes[0]!, '--with', 'N0BBB', '--ws', `ws://127.0.0.1:${srv.wsPort}/radiosync`]);
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stdout, /sent 0 rows/);

    const peers = radiosync(['peers', '--home', homes[0]!, '--json']);
    const p = (JSON.parse(peers.stdout) as Array<{ callsign: string; lastPath: { path: string; ok: boolean } | null }>).find((x) => x.callsign === 'N0BBB');
    assert.equal(p?.lastPath?.path, 'online');
    assert.equal(p?.lastPath?.ok, true);
    const status = radiosync(['status', '--home', homes[0]!]);
    assert.match(status.stdout, /N0BBB[^\n]*last path online/);
  } finally {
    const code = await srv.stop();
    assert.equal(code, 0);
    assert.ok(srv.lines.some((l) => l['event'] === 'refused' && l['code'] === 'RS_ERR_ONLINE_UNTRUSTED'));
    assert.equal(srv.lines.filter((l) => l['event'] === 'session').length, 2);
  }
  const a = Station.open(homes[0]!, { env: {} });
  const b = Station.open(homes[1]!, { env: {} });
  try {
    assert.deepEqual(tableFingerprints(b.records), tableFingerprints(a.records));
  } finally {
    a.close();
    b.close();
    cleanup();
  }
});

test('daemon --no-radio: no TNC, online sync with a peer\'s serve, rows written while it runs follow; with no off-air path it exits 78', async () => {
  const { dir, cleanup } = tempDir('radiosync-cli-noradio-');
  const stations = makeStations(dir, ['N0AAA', 'N0BBB']);
  const homes = stations.map((s) => s.layout.home);
  for (const s of stations) s.close();
  // nothing to do without a radio: a config error, before anything opens
  const idle = radiosync(['daemon', '--home', homes[0]!, '--no-radio']);
  assert.equal(idle.code, 78, idle.stderr);
  assert.match(idle.stderr, /RS_ERR_CONFIG_INVALID/);
  const srv = await serve(homes[1]!);
  appendFileSync(join(homes[0]!, 'radiosync.toml'), `\n[online.peers]\nN0BBB = "127.0.0.1:${srv.port}"\n`);
  const child = spawn(process.execPath, [BIN, 'daemon', '--home', homes[0]!, '--no-radio', '--json'], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, RADIOSYNC_ONLINE_RETRY_S: '1' } });
  let err = '';
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  const events: Array<Record<string, unknown>> = [];
  createInterface({ input: child.stdout! }).on('line', (l) => events.push(JSON.parse(l) as Record<string, unknown>));
  const exited = new Promise<number>((resolve) => child.on('exit', (c) => resolve(c ?? -1)));
  const until = async (ok: () => boolean, what: string) => {
    for (let i = 0; i < 600 && !ok(); i++) await new Promise((r) => setTimeout(r, 100));
    assert.ok(ok(), `${what}; daemon stderr: ${err}`);
  };
  try {
    await until(() => events.some((e) => e['kind'] === 'online' && e['peer'] === 'N0BBB'), 'the first online sync');
    // the application writes while the daemon runs: the next round takes it in and sends it
    const app = new Database(join(dir, 'N0AAA.sqlite'));
    app.prepare("INSERT INTO person (uuid, first_name) VALUES (?, 'Online')").run(randomUUID());
    app.close();
    const peer = new Database(join(dir, 'N0BBB.sqlite'), { readonly: true });
    try {
      await until(() => (peer.prepare("SELECT count(*) AS n FROM person WHERE first_name = 'Online'").get() as { n: number }).n === 1, 'the new row at the peer');
    } finally {
      peer.close();
    }
  } finally {
    child.kill('SIGTERM');
    const code = await exited;
    await srv.stop();
    assert.equal(code, 0, err);
  }
  // stopped cleanly, and says so as its last line
  await new Promise((r) => setTimeout(r, 50));
  assert.equal(events[events.length - 1]?.['kind'], 'stopped', JSON.stringify(events.slice(-3)));
  const a = Station.open(homes[0]!, { env: {} });
  const b = Station.open(homes[1]!, { env: {} });
  try {
    assert.deepEqual(tableFingerprints(b.records), tableFingerprints(a.records));
    const p = radiosync(['peers', '--home', homes[0]!, '--json']);
    assert.equal((JSON.parse(p.stdout) as Array<{ callsign: string; lastPath: { path: string } | null }>).find((x) => x.callsign === 'N0BBB')?.lastPath?.path, 'online');
  } finally {
    a.close();
    b.close();
    cleanup();
  }
});
