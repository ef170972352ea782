/**
 * Issue 18, case 8: a full disk while writing a file from a trusted peer. The victim's folder is a
 * 1 MiB tmpfs mounted in a user and mount namespace of its own (`unshare -rm`, util-linux: so this
 * test is in the interop tier, not in `npm test`). Rig and helpers: test/security/hostilePeer.ts.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BIN } from '../cli/cliHarness.js';
import { assertHealthy, cli, exportTo, makeRig, newId, row, sql, type Rig } from '../security/hostilePeer.js';

function withRig(name: string, fn: (rig: Rig) => void): void {
  test(name, { timeout: 240_000 }, () => {
    const dir = mkdtempSync(join(tmpdir(), 'radiosync-hostile-'));
    try {
      fn(makeRig(dir));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
}

withRig('8. a full disk while writing a file: typed error RS_ERR_FILES_NO_SPACE (exit 73), no temp file left, the rows and smaller files applied', (rig) => {
  // The victim's folder is a 1 MiB tmpfs, mounted in a user and mount namespace of its own (no root needed).
  writeFileSync(join(rig.folder.bad, 'small.txt'), 'fits');
  writeFileSync(join(rig.folder.bad, 'zbig.bin'), Buffer.alloc(3 * 1024 * 1024, 7));
  const { uuid } = newId();
  sql(rig.db.bad, 'INSERT INTO person(uuid, first_name, last_name, age, status) VALUES (?, ?, ?, ?, ?)', uuid, 'Row', 'WithFiles', 30, 'ok');
  const file = exportTo(rig, 'bad', 'victim');
  const marker = join(rig.dir, 'marker');
  writeFileSync(marker, readFileSync(join(rig.folder.victim, '.radiosync-folder')));
  const script = 'mount -t tmpfs -o size=1m tmpfs "$1" && cp "$2" "$1/.radiosync-folder" && "$3" "$4" import "$5" --home "$6" --json; rc=$?; ls -a "$1" > "$7"; exit $rc';
  const r = spawnSync('unshare', ['-rm', 'sh', '-c', script, 'sh', rig.folder.victim, marker, process.execPath, BIN, file, rig.home.victim, join(rig.dir, 'ls.txt')], { encoding: 'utf8' });
  assert.equal(r.status, 73, `${r.stdout}\n${r.stderr}`);
  assert.match(r.stderr, /RS_ERR_FILES_NO_SPACE/);
  const listed = readFileSync(join(rig.dir, 'ls.txt'), 'utf8').split('\n');
  assert.ok(listed.includes('small.txt'), 'the file that fits was written');
  assert.ok(!listed.some((n) => n.startsWith('.radiosync-tmp')), `no temp file left: ${listed.join(' ')}`);
  assert.equal(row(rig.db.victim, uuid)?.['first_name'], 'Row', 'the rows of the bundle were applied');
  const status = JSON.parse(cli(rig, 'victim', ['status', '--json']).stdout) as { fileProblems: Array<{ path: string; code: string }> };
  assert.deepEqual(status.fileProblems.map((p) => [p.path, p.code]), [['docs/zbig.bin', 'RS_ERR_FILES_NO_SPACE']]);
  assertHealthy(rig);
});
