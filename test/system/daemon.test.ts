/**
 * Two `radiosync daemon`s, each with its own new rows and files and a transmit window
 * (`* * * * *`, 45 s of every minute), through the independent real-time channel: both queues
 * must cross inside the windows, both daemons stop cleanly on SIGTERM (exit 0), and tables and
 * folders end identical.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { daemons } from './scenarios.js';
import { assertDelivered, summarize } from './outcome.js';
import { caseName, DAEMONS } from './matrix.js';

for (const k of DAEMONS) {
  const name = caseName('daemon', k);
  test(name, { timeout: (k.timeoutS + 120) * 1000 }, async () => {
    const o = await daemons(k, k.data);
    const rowsBack = Math.max(1, Math.floor(k.data.rows / 4));
    assertDelivered(name, o, { rows: k.data.rows + rowsBack, files: Object.keys(k.data.files).length + 1 });
    assert.ok(o.converged, `did not converge\n  ${summarize(o)}`);
  });
}
