/**
 * Two real processes sync the sample database through `radiosync sim` at 10% frame loss: the
 * sender over KISS TCP, the receiver over KISS TCP too (Node only, test/cli/radio.test.ts) or
 * through the hub's pseudo-terminal with serialport (needs socat, test/interop/cliRadio.test.ts).
 * The channel runs at 76800 bit/s so the ~160 KB load takes seconds; the airtime arithmetic at
 * 1200 bit/s is tested on virtual time elsewhere.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { radiosync, radiosyncAsync, startSim } from './cliHarness.js';
import { copySampleDb, createEmptySampleDb } from '../../src/demo/sampleData.js';
import { Station } from '../../src/station/Station.js';
import { tableFingerprints } from '../../src/sync/tableFingerprint.js';

/** How the receiving process reaches its TNC in the hub. */
export type ReceiverPath = 'kiss-tcp' | 'pty';

export async function sendAndReceiveThroughSim(receiver: ReceiverPath): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'radiosync-cli-'));
  const sim = await startSim(['--stations', 'N0AAA,N0BBB', '--bitrate', '76800', '--loss', '0.1', '--seed', '5', ...(receiver === 'pty' ? ['--pty-dir', join(dir, 'pty')] : ['--no-pty']), '--txdelay', '50']);
  try {
    copySampleDb(join(dir, 'a.sqlite'));
    createEmptySampleDb(join(dir, 'b.sqlite'));
    const tables = 'shelter,person,supply_request';
    for (const [home, call, db] of [['A', 'N0AAA', 'a.sqlite'], ['B', 'N0BBB', 'b.sqlite']] as const) {
      const r = radiosync(['init', '--home', join(dir, home), '--callsign', call, '--db', join(dir, db), '--tables', tables]);
      assert.equal(r.code, 0, r.stderr);
    }
    const keyA = radiosync(['key', '--home', join(dir, 'A')]).stdout.trim();
    const keyB = radiosync(['key', '--home', join(dir, 'B')]).stdout.trim();
    assert.equal(radiosync(['peer', 'add', 'N0BBB', '--key', keyB, '--home', join(dir, 'A')]).code, 0);
    assert.equal(radiosync(['peer', 'add', 'N0AAA', '--key', keyA, '--home', join(dir, 'B')]).code, 0);
    const [sa, sb] = sim.stations;
    const common = ['--bitrate', '76800', '--timeout', '180', '--json'];
    const via = receiver === 'pty' ? ['--port', sb!.ptyPath!, '--baud', '9600'] : ['--kiss-tcp', `${sb!.host}:${sb!.port}`];
    const recv = radiosyncAsync(['receive', '--home', join(dir, 'B'), ...via, '--once', ...common]);
    // the sender finds its TNC from its config alone ([radio] transport and host), as a daemon does
    const toml = join(dir, 'A', 'radiosync.toml');
    writeFileSync(toml, readFileSync(toml, 'utf8').replace(/^# host = .*$/m, `host = "${sa!.host}:${sa!.port}"`));
    const send = radiosyncAsync(['send', '--home', join(dir, 'A'), '--to', 'N0BBB', ...common]);
    const s = await send.done;
    const r = await recv.done;
    assert.equal(s.code, 0, `send: ${s.stderr}\n${s.stdout}`);
    assert.equal(r.code, 0, `receive: ${r.stderr}\n${r.stdout}`);
    const sent = JSON.parse(s.stdout) as { ok: boolean; sent: { rows: number; acknowledged: number } };
    assert.ok(sent.ok);
    assert.ok(sent.sent.rows > 4000);
    const got = JSON.parse(r.stdout) as { received: { rows: number } };
    assert.equal(got.received.rows, sent.sent.rows);
    const a = Station.open(join(dir, 'A'), { env: {} });
    const b = Station.open(join(dir, 'B'), { env: {} });
    try {
      assert.deepEqual(tableFingerprints(b.records), tableFingerprints(a.records));
    } finally {
      a.close();
      b.close();
    }
    const report = await sim.stop();
    const exit = report.split('\n').map((l) => JSON.parse(l) as { event: string; totals?: { framesLost: number; framesDelivered: number } }).find((j) => j.event === 'exit');
    assert.ok(exit?.totals && exit.totals.framesLost > 0, 'the channel lost frames');
  } finally {
    await sim.stop().catch(() => {});
    rmSync(dir, { recursive: true, force: true });
  }
}
