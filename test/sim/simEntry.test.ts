import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { simHubOptionsFromCli } from '../../src/sim/simEntry.js';
import { isRadiosyncError } from '../../src/errors/RadiosyncError.js';

test('CLI options map to hub options', () => {
  const o = simHubOptionsFromCli({
    stations: 'N0CALL-1, N0CALL-2',
    bitrate: '9600',
    loss: 'ge:0.05,0.25',
    seed: '42',
    basePort: '9001',
    pty: false,
    txdelay: '250',
    persist: '127',
    reportInterval: '0',
    json: true,
  });
  assert.deepEqual(o.stations, ['N0CALL-1', 'N0CALL-2']);
  assert.equal(o.bitrate, 9600);
  assert.equal(o.seed, 42);
  assert.equal(o.basePort, 9001);
  assert.equal(o.ptyDir, false);
  assert.deepEqual(o.radio, { txDelayMs: 250, persistence: 127 });
  assert.equal(o.reportIntervalMs, 0);
  assert.equal(simHubOptionsFromCli({ seed: 'field-day' }).seed, 'field-day');
  assert.deepEqual(simHubOptionsFromCli({ hidden: 'A:C, B:D' }).hidden, [
    ['A', 'C'],
    ['B', 'D'],
  ]);
  assert.throws(() => simHubOptionsFromCli({ hidden: 'A-C' }), (e) => isRadiosyncError(e, 'RS_ERR_SIM_BAD_OPTION'));
  assert.throws(() => simHubOptionsFromCli({ bitrate: '12k' }), (e) => isRadiosyncError(e, 'RS_ERR_SIM_BAD_OPTION') && /bitrate/.test(e.message));
});

test('radiosync sim stops gracefully on SIGTERM: final JSON report, pty gone', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'rs-simentry-'));
  const entry = fileURLToPath(new URL('../../src/sim/simEntry.ts', import.meta.url));
  const script = `import { simMain } from ${JSON.stringify(entry)};
process.exitCode = await simMain({ stations: 'A,B', basePort: '0', ptyDir: ${JSON.stringify(dir)}, json: true, reportInterval: '0' });`;
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'pipe'] });
  const lines: string[] = [];
  let buf = '';
  const ready = new Promise<void>((resolve) =>
    child.stdout.on('data', (c: Buffer) => {
      buf += c.toString();
      let i: number;
      while ((i = buf.indexOf('\n')) >= 0) {
        lines.push(buf.slice(0, i));
        buf = buf.slice(i + 1);
        if (lines.length === 1) resolve();
      }
    }),
  );
  const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
  const killer = setTimeout(() => child.kill('SIGKILL'), 15_000);
  try {
    await ready;
    const r = JSON.parse(lines[0]!);
    assert.equal(r.event, 'ready');
    assert.ok(existsSync(join(dir, 'A')) && existsSync(join(dir, 'B')));
    child.kill('SIGTERM');
    assert.equal(await exited, 0);
    const last = JSON.parse(lines.at(-1)!);
    assert.equal(last.event, 'exit');
    assert.deepEqual(
      last.stations.map((s: { name: string }) => s.name),
      ['A', 'B'],
    );
    assert.ok(!existsSync(join(dir, 'A')) && !existsSync(join(dir, 'B')));
  } finally {
    clearTimeout(killer);
    if (child.exitCode === null) child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  }
});
