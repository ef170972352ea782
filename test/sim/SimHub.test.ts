import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runSimHub } from '../../src/sim/SimHub.js';
import { isRadiosyncError } from '../../src/errors/RadiosyncError.js';

// The hub with its pseudo-terminals (socat) is tested in test/interop/simHubPty.test.ts.
test('sim hub: JSON lines, ptys off, and a taken port fails with a typed error', async () => {
  const lines: string[] = [];
  const hub = await runSimHub({ stations: ['X'], basePort: 0, ptyDir: false, json: true, reportIntervalMs: 0, handleSignals: false, print: (l) => lines.push(l) });
  try {
    const ready = JSON.parse(lines[0]!);
    assert.equal(ready.event, 'ready');
    assert.equal(ready.stations[0].name, 'X');
    assert.equal(ready.stations[0].ptyPath, undefined);
    await assert.rejects(
      runSimHub({ stations: ['Y'], basePort: hub.stations[0]!.port, ptyDir: false, reportIntervalMs: 0, handleSignals: false, print: () => {} }),
      (e) => isRadiosyncError(e, 'RS_ERR_SIM_PORT_IN_USE'),
    );
  } finally {
    await hub.stop();
  }
  const exit = JSON.parse(lines.at(-1)!);
  assert.equal(exit.event, 'exit');
  assert.equal(exit.totals.framesSent, 0);
  await assert.rejects(runSimHub({ stations: ['../x'], ptyDir: false, print: () => {} }), (e) => isRadiosyncError(e, 'RS_ERR_SIM_BAD_OPTION'));
  await assert.rejects(runSimHub({ stations: ['A', 'B'], hidden: [['A', 'Z']], ptyDir: false, print: () => {} }), (e) => isRadiosyncError(e, 'RS_ERR_SIM_BAD_OPTION'));
});
