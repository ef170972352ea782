import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { radiosync, startSim } from './cliHarness.js';
import { copySampleDb, createEmptySampleDb } from '../../src/demo/sampleData.js';

function twoStations(dir: string): void {
  copySampleDb(join(dir, 'a.sqlite'));
  createEmptySampleDb(join(dir, 'b.sqlite'));
  for (const [home, call, db] of [['A', 'N0AAA', 'a.sqlite'], ['B', 'N0BBB', 'b.sqlite']] as const) {
    assert.equal(radiosync(['init', '--home', join(dir, home), '--callsign', call, '--db', join(dir, db), '--tables', 'shelter,person,supply_request']).code, 0);
  }
  const keyA = radiosync(['key', '--home', join(dir, 'A')]).stdout.trim();
  const keyB = radiosync(['key', '--home', join(dir, 'B')]).stdout.trim();
  assert.equal(radiosync(['peer', 'add', 'N0BBB', '--key', keyB, '--home', join(dir, 'A')]).code, 0);
  assert.equal(radiosync(['peer', 'add', 'N0AAA', '--key', keyA, '--home', join(dir, 'B')]).code, 0);
}

test('bundle round trip with the real binary: export, import, import again with no effect, truncated copy rejected, receipt back', () => {
  const dir = mkdtempSync(join(tmpdir(), 'radiosync-cli-'));
  try {
    twoStations(dir);
    const out = join(dir, 'to-b.rsb');
    const ex = radiosync(['export', '--home', join(dir, 'A'), '--to', 'N0BBB', '--out', out, '--json']);
    assert.equal(ex.code, 0, ex.stderr);
    assert.ok((JSON.parse(ex.stdout) as { rows: number }).rows > 4000);

    const bytes = readFileSync(out);
    const cut = join(dir, 'cut.rsb');
    writeFileSync(cut, bytes.subarray(0, bytes.length - 100));
    const bad = radiosync(['import', cut, '--home', join(dir, 'B')]);
    assert.equal(bad.code, 65);
    assert.match(bad.stderr, /RS_ERR_BUNDLE_TRUNCATED/);
    assert.match(bad.stderr, /cut off/);

    const ack = join(dir, 'ack.rsb');
    const im = radiosync(['import', out, '--home', join(dir, 'B'), '--ack-out', ack, '--json']);
    assert.equal(im.code, 0, im.stderr);
    const r1 = JSON.parse(im.stdout) as { changesets: number; rowsApplied: number; duplicates: number };
    assert.equal(r1.changesets, 1);
    assert.ok(r1.rowsApplied > 4000);
    const again = JSON.parse(radiosync(['import', out, '--home', join(dir, 'B'), '--json']).stdout) as { rowsApplied: number; duplicates: number };
    assert.equal(again.duplicates, 1);
    assert.equal(again.rowsApplied, 0);

    const back = JSON.parse(radiosync(['import', ack, '--home', join(dir, 'A'), '--json']).stdout) as { receipts: number };
    assert.equal(back.receipts, 1);
    const peers = JSON.parse(radiosync(['peers', '--home', join(dir, 'A'), '--json']).stdout) as Array<{ callsign: string; pendingRows: number }>;
    assert.equal(peers.find((p) => p.callsign === 'N0BBB')?.pendingRows, 0, 'the receipt moved the cursor: nothing pending for B');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('send outside a transmit window fails at once with the next window; a silent channel is reported as no answer', { timeout: 60_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'radiosync-cli-'));
  const sim = await startSim(['--stations', 'N0AAA', '--bitrate', '9600', '--no-pty']);
  try {
    twoStations(dir);
    const tcp = `127.0.0.1:${sim.stations[0]!.port}`;
    const silent = radiosync(['send', '--home', join(dir, 'A'), '--to', 'N0BBB', '--kiss-tcp', tcp, '--bitrate', '9600', '--timeout', '4']);
    assert.equal(silent.code, 69, silent.stderr);
    assert.match(silent.stderr, /RS_ERR_SYNC_NO_ANSWER/);
    assert.match(silent.stderr, /KISS mode/);
    const status = JSON.parse(radiosync(['status', '--home', join(dir, 'A'), '--json']).stdout) as { queue: Array<{ to: string[] }> };
    assert.deepEqual(status.queue.map((q) => q.to), [['N0BBB']], 'what was not acknowledged stays queued');

    appendFileSync(join(dir, 'A', 'radiosync.toml'), '\n[[schedule.window]]\ncron = "0 0 1 1 *"\nduration_min = 1\n');
    const closed = radiosync(['send', '--home', join(dir, 'A'), '--to', 'N0BBB', '--kiss-tcp', tcp]);
    assert.equal(closed.code, 75, closed.stderr);
    assert.match(closed.stderr, /RS_ERR_OUTSIDE_WINDOW/);
    assert.match(closed.stderr, /next chance \d{4}-01-01/);
  } finally {
    await sim.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});
