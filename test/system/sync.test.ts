/**
 * `radiosync sync --with` at one station and `radiosync receive --once` at the other, after a
 * common base carried by a bundle and edits on both sides (updates, inserts, a delete, a new file
 * each): both directions must cross, both processes exit 0, tables and folders end identical.
 */
import { test } from 'node:test';
import { syncBothWays } from './scenarios.js';
import { assertDelivered } from './outcome.js';
import { caseName, SYNC } from './matrix.js';

const EDITS = 5;

for (const k of SYNC) {
  const name = caseName('sync', k);
  test(name, { timeout: (k.timeoutS + 120) * 1000 }, async () => {
    const o = await syncBothWays(k, k.data, EDITS);
    // Per side: ceil(5/2) updates, 5 - 1 - 3 = 1 insert, 1 delete → base + 2 inserts − 2 deletes.
    assertDelivered(name, o, { rows: k.data.rows, files: Object.keys(k.data.files).length + 2 });
  });
}
