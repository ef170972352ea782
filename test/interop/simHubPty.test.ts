/**
 * The sim hub's pseudo-terminals: socat bridges each station's KISS TCP port to a pty, and a real
 * serialport client opens it (needs socat: test:interop).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { connect, type Socket } from 'node:net';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SerialPort } from 'serialport';
import { KissCommand, KissDecoder, encodeKiss, type KissFrame } from '../../src/framing/kiss.js';
import { runSimHub, type SimHub } from '../../src/sim/SimHub.js';
import { isRadiosyncError } from '../../src/errors/RadiosyncError.js';

// Real time, real sockets, a real pty: every wait is bounded, and cleanup always runs.
const STEP_TIMEOUT_MS = 5000;

function within<T>(p: Promise<T>, what: string, ms = STEP_TIMEOUT_MS): Promise<T> {
  let t: NodeJS.Timeout;
  return Promise.race([
    p.finally(() => clearTimeout(t)),
    new Promise<T>((_r, reject) => (t = setTimeout(() => reject(new Error(`timed out: ${what}`)), ms))),
  ]);
}

/** Resolve with the first KISS data frame read from `onChunk`'s source. */
function nextKissFrame(subscribe: (fn: (chunk: Uint8Array) => void) => void): Promise<KissFrame> {
  const dec = new KissDecoder();
  return new Promise((resolve) =>
    subscribe((chunk) => {
      for (const f of dec.push(chunk)) if (f.command === KissCommand.Data) resolve(f);
    }),
  );
}

async function tcpClient(port: number): Promise<Socket> {
  const s = connect(port, '127.0.0.1');
  await within(new Promise((r, j) => s.once('connect', r).once('error', j)), 'tcp connect');
  return s;
}

const fast = { txDelayMs: 10, txTailMs: 10, persistence: 255, slotTimeMs: 10 };

test('sim hub: a KISS frame from A\'s TCP client reaches B\'s TCP client and B\'s pty (serialport)', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'rs-simhub-'));
  const lines: string[] = [];
  let hub: SimHub | undefined;
  const sockets: Socket[] = [];
  let serial: SerialPort | undefined;
  try {
    hub = await runSimHub({
      stations: ['A', 'B'],
      bitrate: 9600,
      basePort: 0,
      ptyDir: dir,
      radio: fast,
      reportIntervalMs: 0,
      handleSignals: false,
      print: (l) => lines.push(l),
    });
    const [sa, sb] = hub.stations;
    assert.ok(sa && sb && sa.port > 0 && sb.port > 0 && sa.port !== sb.port);
    assert.equal(sb.ptyPath, join(dir, 'B'));
    assert.ok(existsSync(sb.ptyPath!));
    assert.ok(lines.some((l) => l.includes(`127.0.0.1:${sb.port}`) && l.includes(sb.ptyPath!)));

    const a = await tcpClient(sa.port);
    const b = await tcpClient(sb.port);
    sockets.push(a, b);
    serial = new SerialPort({ path: sb.ptyPath!, baudRate: 9600 });
    await within(new Promise((r, j) => serial!.once('open', r).once('error', j)), 'pty open');
    const s = serial;
    const atB = nextKissFrame((fn) => b.on('data', fn));
    const atPty = nextKissFrame((fn) => s.on('data', fn));
    // let socat's bridge connect to B's port before A transmits (it connects as soon as it starts)
    await within(
      (async () => {
        while (hub!.report().stations[1]!.clients < 2) await new Promise((r) => setTimeout(r, 20));
      })(),
      'pty bridge connected',
    );
    const payload = Uint8Array.from({ length: 40 }, (_, i) => (i * 7) & 0xff);
    a.write(encodeKiss({ port: 0, command: KissCommand.Data, data: payload }));
    assert.deepEqual((await within(atB, 'frame at B tcp')).data, payload);
    assert.deepEqual((await within(atPty, 'frame at B pty')).data, payload);

    // a serial client can close the pty and open it again (a TNC's device node stays usable)
    await new Promise<void>((r) => s.close(() => r()));
    await within(
      (async () => {
        while (hub!.report().stations[1]!.clients < 2 || !existsSync(sb.ptyPath!)) await new Promise((r) => setTimeout(r, 20));
      })(),
      'pty bridge restarted',
    );
    serial = new SerialPort({ path: sb.ptyPath!, baudRate: 9600 });
    await within(new Promise((r, j) => serial!.once('open', r).once('error', j)), 'pty reopen');
    const s2 = serial;
    const again = nextKissFrame((fn) => s2.on('data', fn));
    a.write(encodeKiss({ port: 0, command: KissCommand.Data, data: payload.subarray(0, 10) }));
    assert.deepEqual((await within(again, 'frame at reopened pty')).data, payload.subarray(0, 10));

    const report = await hub.stop();
    assert.equal(report.stations[0]!.framesSent, 2);
    assert.equal(report.stations[0]!.keyUps, 2);
    assert.ok(report.stations[0]!.airtimeMs > 0);
    assert.equal(report.stations[1]!.framesDelivered, 2);
    assert.ok(lines.some((l) => l.startsWith('-- final')));
    assert.ok(!existsSync(sb.ptyPath!), 'socat removed its pty link');
  } finally {
    if (serial?.isOpen) await new Promise<void>((r) => serial!.close(() => r()));
    for (const s of sockets) s.destroy();
    await hub?.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});
