/**
 * `sync --tcp … --timeout S`: the session ends by its deadline whatever the peer does (an outside
 * trial saw a 3 s timeout run 11.7 s and exit 0), with its own code and exit 1.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { makeStations, tempDir } from '../sync/stations.js';
import { serveOnline, syncOnline } from '../../src/sync/online.js';
import { isRadiosyncError } from '../../src/errors/RadiosyncError.js';
import { tcpTap } from './tap.js';

test('an online session cut by its deadline: RS_ERR_ONLINE_TIMEOUT (exit 1) within the deadline against a silent peer; a session that finishes in time is untouched', async () => {
  const { dir, cleanup } = tempDir('radiosync-deadline-');
  const [a, b] = makeStations(dir, ['N0AAA', 'N0BBB']);
  const srv = await serveOnline(b!, { host: '127.0.0.1', port: 0 });
  const silent = await tcpTap(srv.port, { mode: 'silent' });
  silent.cut();
  try {
    {
      const port = silent.port;
      const t0 = Date.now();
      await assert.rejects(syncOnline(a!, { host: '127.0.0.1', port, with: 'N0BBB', deadlineMs: 700 }), (e: unknown) => {
        assert.ok(isRadiosyncError(e, 'RS_ERR_ONLINE_TIMEOUT'), String(e));
        assert.equal((e as { exit: number }).exit, 1);
        return true;
      });
      assert.ok(Date.now() - t0 < 1_500, `${Date.now() - t0} ms`);
    }
    // a session that would finish is not touched by a deadline it does not reach
    const r = await syncOnline(a!, { host: '127.0.0.1', port: srv.port, with: 'N0BBB', deadlineMs: 60_000 });
    assert.equal(r.ok, true);
  } finally {
    await silent.close();
    await srv.close();
    a!.close();
    b!.close();
    cleanup();
  }
});
