import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { radiosync } from './cliHarness.js';
import { sendAndReceiveThroughSim } from './simSession.js';

// The receiver over the hub's pseudo-terminal (socat) is test/interop/cliRadio.test.ts.
test('send and receive, both over KISS TCP, through radiosync sim at 10% loss: tables end identical', { timeout: 240_000 }, () =>
  sendAndReceiveThroughSim('kiss-tcp'),
);

test('bad arguments and unknown stations get clear errors and documented exit codes', () => {
  const dir = mkdtempSync(join(tmpdir(), 'radiosync-cli-'));
  try {
    const none = radiosync(['status', '--home', join(dir, 'nope')]);
    assert.equal(none.code, 66);
    assert.match(none.stderr, /RS_ERR_STATION_NOT_FOUND/);
    assert.equal(radiosync(['init', '--home', join(dir, 'X'), '--callsign', 'TOOLONGCALL']).code, 78);
    assert.equal(radiosync(['init', '--home', join(dir, 'A'), '--callsign', 'N0AAA']).code, 0);
    const badTo = radiosync(['send', '--home', join(dir, 'A'), '--to', 'not a call', '--kiss-tcp', '127.0.0.1:1']);
    assert.equal(badTo.code, 64);
    const unknown = radiosync(['send', '--home', join(dir, 'A'), '--to', 'N0ZZZ', '--kiss-tcp', '127.0.0.1:1']);
    assert.equal(unknown.code, 66);
    assert.match(unknown.stderr, /peer add/);
    const noPort = radiosync(['receive', '--home', join(dir, 'A'), '--port', join(dir, 'no-such-tty'), '--once', '--timeout', '1']);
    assert.equal(noPort.code, 69);
    assert.match(noPort.stderr, /RS_ERR_PORT_NOT_FOUND/);
    const refused = radiosync(['receive', '--home', join(dir, 'A'), '--kiss-tcp', '127.0.0.1:1', '--once', '--timeout', '1']);
    assert.equal(refused.code, 69);
    const badKey = radiosync(['peer', 'add', 'N0BBB', '--key', 'rsk1:nope', '--home', join(dir, 'A')]);
    assert.equal(badKey.code, 64);
    assert.match(badKey.stderr, /RS_ERR_KEY_INVALID/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
