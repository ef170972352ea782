import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runDemo } from '../../src/demo/runDemo.js';
import { isRadiosyncError } from '../../src/errors/RadiosyncError.js';

test('the demo refuses a directory it did not make, and leaves it untouched', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'rs-demo-'));
  try {
    writeFileSync(join(dir, 'notes.txt'), 'mine');
    await assert.rejects(runDemo({ dir }), (e) => isRadiosyncError(e, 'RS_ERR_DEMO_DIR_TAKEN') && e.exit === 64 && e.data.dir === dir);
    assert.deepEqual(readdirSync(dir), ['notes.txt']);
    assert.equal(readFileSync(join(dir, 'notes.txt'), 'utf8'), 'mine');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('out-of-range demo options are typed errors naming the option, before anything is written', async () => {
  const dir = join(tmpdir(), `rs-demo-none-${process.pid}`);
  for (const [opts, option] of [[{ bitrate: 50 }, 'bitrate'], [{ bitrate: 1200.5 }, 'bitrate'], [{ loss: 1 }, 'loss'], [{ loss: Number.NaN }, 'loss']] as const) {
    await assert.rejects(runDemo({ dir, ...opts }), (e) => isRadiosyncError(e, 'RS_ERR_DEMO_BAD_OPTION') && e.data.option === option, option);
  }
  assert.throws(() => readdirSync(dir), /ENOENT/);
});
