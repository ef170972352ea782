import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, cpSync, existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { syncOnce } from '../../src/files/FolderReplica.js';
import { cleanupTemp, makeStation, snapshot, TestClock } from './helpers.js';

after(cleanupTemp);

const FIXTURE = new URL('../../fixtures/sample-folder/', import.meta.url).pathname;

test('the sample folder round-trips: nested dirs, empty dir, binary, exec bit, symlink, UTF-8 names', async () => {
  const clock = new TestClock();
  const a = makeStation('EA4XYZ-7', clock);
  const b = makeStation('N0CALL-2', clock);
  cpSync(FIXTURE, a.root, { recursive: true, verbatimSymlinks: true, preserveTimestamps: true });
  // modes are set here, not taken from the checkout: git keeps only the exec bit, the umask the rest
  chmodSync(join(a.root, 'tools/post-sitrep.sh'), 0o755);
  chmodSync(join(a.root, 'README.txt'), 0o640);
  const scan = await a.replica.scan();
  assert.ok(scan.stats.ignored >= 1, '.gitkeep is ignored');
  const { report } = await syncOnce(a.replica, b.replica);
  assert.deepEqual(report.deferred, []);
  const sa = snapshot(a.root);
  delete sa['inbox/empty-until-used/.gitkeep'];
  assert.deepEqual(snapshot(b.root), sa);
  assert.deepEqual(readdirSync(join(b.root, 'inbox/empty-until-used')), [], 'arrives as an empty directory');
  const mode = (root: string, p: string) => (statSync(join(root, p)).mode & 0o777).toString(8);
  assert.equal(mode(b.root, 'tools/post-sitrep.sh'), '755', 'the exec bit arrives');
  assert.equal(mode(b.root, 'README.txt'), '640', 'and so do the other permission bits');
  assert.ok(sa['latest-sitrep.md']!.startsWith('link:reports/2026/01/2026-01-15-sitrep.md:'));
  assert.deepEqual(readFileSync(join(b.root, 'maps/sector-4-overview.png')), readFileSync(join(FIXTURE, 'maps/sector-4-overview.png')));
  assert.ok(existsSync(join(b.root, 'forms/filled/informe-daños-Gredos.txt')));
});
