/**
 * `radiosync send` at one station and `radiosync receive --once` at the other, as separate
 * processes of the built CLI, through the independent real-time channel (test/channel). Each
 * case ends with both processes exiting 0 and identical tables and folders.
 */
import { test } from 'node:test';
import { sendReceive } from './scenarios.js';
import { assertDelivered } from './outcome.js';
import { caseName, SEND_RECEIVE } from './matrix.js';

for (const k of SEND_RECEIVE) {
  const name = caseName('send/receive', k);
  test(name, { timeout: (k.timeoutS + 120) * 1000 }, async () => {
    const o = await sendReceive(k, k.data);
    assertDelivered(name, o, { rows: k.data.rows, files: Object.keys(k.data.files).length });
  });
}
