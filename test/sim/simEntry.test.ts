import { test } from 'node:test';
import assert from 'node:assert/strict';
import { simHubOptionsFromCli } from '../../src/sim/simEntry.js';
import { isRadiosyncError } from '../../src/errors/RadiosyncError.js';
import { simStopsOnSigterm } from './simSigterm.js';

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

test('radiosync sim stops gracefully on SIGTERM: final JSON report (no ptys; with ptys: test/interop/simEntryPty.test.ts)', () => simStopsOnSigterm(false));
