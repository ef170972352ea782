/**
 * `radiosync serve` and `radiosync sync --tcp` as real processes over loopback TCP: a sync works
 * (exit 0, in sync), a stranger is refused (exit 69, RS_ERR_ONLINE_UNTRUSTED) and the server goes
 * on serving; `status` and `peers` show the path each peer took last.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
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
