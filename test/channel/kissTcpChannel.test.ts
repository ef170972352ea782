/**
 * The test channel over real TCP sockets (fast bit rate, no timing assertions): what a KISS
 * client writes on one station's port reaches the other station's clients as KISS data frames,
 * and the writer is told nothing at all: no echo, no transmit-done, no answer to commands.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { connect, type Socket } from 'node:net';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { createInterface } from 'node:readline';
import { KissTcpChannel, type ChannelStats } from './kissTcpChannel.js';
import { KissDecoder, kissEncode } from './kissCodec.js';

interface Client {
  sock: Socket;
  frames: Uint8Array[];
  bytes: number;
}

async function client(port: number): Promise<Client> {
  const sock = connect(port, '127.0.0.1');
  await new Promise<void>((resolve, reject) => sock.once('connect', resolve).once('error', reject));
  const c: Client = { sock, frames: [], bytes: 0 };
  const dec = new KissDecoder();
  sock.on('data', (d: Buffer) => {
    c.bytes += d.length;
    c.frames.push(...dec.push(d));
  });
  return c;
}

async function until(cond: () => boolean, what: string, ms = 20_000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** An AX.25-shaped frame (16-byte header + info) carrying a sequence number. */
const frame = (n: number, len = 60) => {
  const f = new Uint8Array(len).fill(0x41);
  f[16] = n;
  f[17] = 0xc0; // a FEND inside the data must cross escaped
  f[18] = 0xdb;
  return f;
};

test('KISS TCP: frames written on one port reach every client of the other station in order; the writer hears nothing, not even after they left', async () => {
  const ch = await KissTcpChannel.start({ stations: ['N0HQ', 'N0FLD'], bitrate: 500_000, txdelayMs: 1, txtailMs: 1, persistence: 255 });
  const [hq, fld] = ch.stations;
  const a = await client(hq!.port);
  const b1 = await client(fld!.port);
  const b2 = await client(fld!.port);
  try {
    await until(() => ch.stats().kiss.N0FLD!.connections === 2 && ch.stats().kiss.N0HQ!.connections === 1, 'connections');
    // Parameter commands, an ACKMODE data frame and a SetHardware TXBUF query: none gets an answer.
    a.sock.write(Buffer.concat([kissEncode(0x01, Uint8Array.of(30)), kissEncode(0x06, Buffer.from('TXBUF:')), kissEncode(0x0c, Uint8Array.of(0, 1, ...frame(99)))]));
    for (let i = 0; i < 30; i++) a.sock.write(kissEncode(0x00, frame(i)));
    await until(() => b1.frames.length === 30 && b2.frames.length === 30, 'delivery');
    for (const b of [b1, b2]) assert.deepEqual(b.frames.map((f) => Buffer.from(f).toString('hex')), Array.from({ length: 30 }, (_, i) => Buffer.from([0x00, ...frame(i)]).toString('hex')));
    // Everything has left and been heard; give a would-be "sent" report ample time to show up.
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(a.bytes, 0, 'the sending station was told something');
    const st: ChannelStats = ch.stats();
    assert.equal(st.stations.N0HQ!.sent, 30);
    assert.equal(st.stations.N0FLD!.received, 30);
    assert.deepEqual(st.kiss.N0HQ!.commands, { '1': 1, '6': 1, '12': 1 });
    assert.equal(st.stations.N0HQ!.airtimeMs > 0, true);
    assert.equal(st.keyUps, st.keyUpLog.length);
  } finally {
    for (const c of [a, b1, b2]) c.sock.destroy();
    await ch.close();
  }
});

test('KISS TCP: frames heard while a station has no client are counted undeliverable; a port-1 data frame is not sent', async () => {
  const ch = await KissTcpChannel.start({ stations: ['N0HQ', 'N0FLD'], bitrate: 500_000, txdelayMs: 1, txtailMs: 1, persistence: 255 });
  const a = await client(ch.stations[0]!.port);
  try {
    await until(() => ch.stats().kiss.N0HQ!.connections === 1, 'connection');
    a.sock.write(Buffer.concat([kissEncode(0x10, frame(1)), kissEncode(0x00, frame(2)), kissEncode(0x00, frame(3))]));
    await until(() => ch.stats().stations.N0HQ!.sent === 2, 'two frames on air');
    await until(() => ch.stats().kiss.N0FLD!.undeliverable === 2, 'undeliverable count');
    assert.equal(ch.stats().kiss.N0HQ!.otherPort, 1);
  } finally {
    a.sock.destroy();
    await ch.close();
  }
});

test('KISS TCP: the TNC queue keeps sending after its client has gone (what the host wrote is on the air)', async () => {
  const ch = await KissTcpChannel.start({ stations: ['N0HQ', 'N0FLD'], bitrate: 20_000, txdelayMs: 1, txtailMs: 1, persistence: 255 });
  const a = await client(ch.stations[0]!.port);
  const b = await client(ch.stations[1]!.port);
  try {
    for (let i = 0; i < 20; i++) a.sock.write(kissEncode(0x00, frame(i, 200)));
    await until(() => ch.stats().stations.N0HQ!.queued === 20, 'queued');
    a.sock.destroy();
    await until(() => b.frames.length === 20, 'all 20 delivered');
  } finally {
    b.sock.destroy();
    await ch.close();
  }
});

test('standalone: prints its ports as JSON, answers "stats" on stdin, prints final stats on SIGTERM and exits 0', async () => {
  const main = fileURLToPath(new URL('./kissTcpChannel.ts', import.meta.url));
  const child = spawn(process.execPath, ['--import', 'tsx', main, '--stations', 'N0HQ,N0FLD,N0AAA', '--bitrate', '9600', '--loss', 'ge:0.1,0.5', '--seed', '7', '--txdelay', '30'], { stdio: ['pipe', 'pipe', 'pipe'] });
  const lines: Array<Record<string, unknown>> = [];
  createInterface({ input: child.stdout! }).on('line', (l) => lines.push(JSON.parse(l) as Record<string, unknown>));
  const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
  try {
    await until(() => lines.length >= 1, 'ready line');
    const ready = lines[0] as { event: string; stations: Array<{ name: string; port: number }> };
    assert.equal(ready.event, 'ready');
    assert.deepEqual(ready.stations.map((s) => s.name), ['N0HQ', 'N0FLD', 'N0AAA']);
    assert.equal(new Set(ready.stations.map((s) => s.port)).size, 3);
    const c = await client(ready.stations[0]!.port);
    c.sock.write(kissEncode(0x00, frame(1)));
    child.stdin!.write('stats\n');
    await until(() => lines.some((l) => l.event === 'stats'), 'stats line');
    await until(() => {
      if (lines.filter((l) => l.event === 'stats').length === 0) return false;
      const s = (lines.filter((l) => l.event === 'stats').at(-1)!.stats as ChannelStats).stations.N0HQ!;
      if (s.sent === 1) return true;
      child.stdin!.write('stats\n');
      return false;
    }, 'the frame on air');
    c.sock.destroy();
    child.kill('SIGTERM');
    assert.equal(await exited, 0);
    const exit = lines.find((l) => l.event === 'exit') as { stats: ChannelStats } | undefined;
    assert.ok(exit);
    assert.equal(exit.stats.stations.N0HQ!.sent, 1);
    assert.equal(exit.stats.stations.N0FLD!.received + exit.stats.stations.N0FLD!.lost, 1);
  } finally {
    child.kill('SIGKILL');
  }
});

test('standalone: a bad argument exits 64 with a message naming it', async () => {
  const main = fileURLToPath(new URL('./kissTcpChannel.ts', import.meta.url));
  const child = spawn(process.execPath, ['--import', 'tsx', main, '--loss', '2'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let err = '';
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  const code = await new Promise<number | null>((r) => child.on('exit', (c) => r(c)));
  assert.equal(code, 64);
  assert.match(err, /--loss/);
});
