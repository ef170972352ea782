import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeIgnore } from '../../src/files/ignoreRules.js';
import { conflictName, CONFLICT_RE, versionName, versionTime } from '../../src/files/conflictName.js';
import { badPathReason } from '../../src/files/FileEntry.js';
import { cleanupVersions, Versions } from '../../src/files/Versions.js';
import { detectCaseInsensitive, validateFolders } from '../../src/files/Folder.js';
import { cleanupTemp, makeStation, put, TestClock } from './helpers.js';

after(cleanupTemp);

test('default ignores: temp, swap, OS junk, radiosync temp files and marker', () => {
  const ig = makeIgnore('');
  for (const p of ['a.swp', 'dir/.b.txt.swo', 'x~', '.DS_Store', 'sub/Thumbs.db', '.radiosync-tmp-1-2-x', '.radiosync-folder', '~$report.docx', 'file.part']) {
    assert.equal(ig(p, false), true, p);
  }
  assert.equal(ig('.git', true), true);
  for (const p of ['report.txt', 'forms/a.pdf', 'notes.sync-conflict-20260101-000000-N0CALL.txt']) assert.equal(ig(p, false), false, p);
});

test('.radiosyncignore in gitignore syntax: patterns, dirs, negation; marker stays ignored', () => {
  const ig = makeIgnore('*.log\nbuild/\n!keep.log\n!.radiosync-folder\n');
  assert.equal(ig('a.log', false), true);
  assert.equal(ig('sub/b.log', false), true);
  assert.equal(ig('keep.log', false), false);
  assert.equal(ig('build', true), true);
  assert.equal(ig('build', false), false, 'a file named build is not a dir');
  assert.equal(ig('.radiosync-folder', false), true);
});

test('ignored files are not scanned', async () => {
  const clock = new TestClock();
  const a = makeStation('N0AAA', clock);
  writeFileSync(join(a.root, '.radiosyncignore'), 'private/\n*.bak\n');
  put(a.root, 'private/diary.txt', 'x');
  put(a.root, 'doc.bak', 'x');
  put(a.root, 'doc.txt', 'x');
  const r = await a.replica.scan();
  assert.deepEqual(r.changes.map((c) => c.fields.path).sort(), ['.radiosyncignore', 'doc.txt']);
});

test('conflict and version names', () => {
  const t = Date.UTC(2026, 2, 4, 5, 6, 7);
  assert.equal(conflictName('forms/shelter.txt', t, 'ea4xyz-7'), 'forms/shelter.sync-conflict-20260304-050607-EA4XYZ-7.txt');
  assert.equal(conflictName('Makefile', t, 'N0CALL'), 'Makefile.sync-conflict-20260304-050607-N0CALL');
  assert.equal(conflictName('.bashrc', t, 'N0CALL'), '.bashrc.sync-conflict-20260304-050607-N0CALL');
  assert.ok(CONFLICT_RE.test('a.sync-conflict-20260304-050607-N0CALL.txt'));
  assert.equal(versionName('a/b.tar.gz', t), 'a/b.tar~20260304-050607.gz');
  assert.equal(versionTime('b.tar~20260304-050607.gz'), t);
});

test('paths from peers are validated', () => {
  for (const bad of ['', '/etc/passwd', '../x', 'a/../../x', 'a//b', 'a/./b', 'a\\b', 'a\0b']) assert.ok(badPathReason(bad), bad);
  assert.equal(badPathReason('ok/name with spaces/ñ.txt'), undefined);
  assert.throws(() => validateFolders([{ share: '@versions', root: '/x' }]), { code: 'RS_ERR_FOLDER_CONFIG' });
  assert.throws(() => validateFolders([{ share: 'a', root: '/x' }, { share: 'a', root: '/y' }]), { code: 'RS_ERR_FOLDER_CONFIG' });
  assert.throws(() => validateFolders([{ share: 'a', root: 'rel' }]), { code: 'RS_ERR_FOLDER_CONFIG' });
});

test('versions are kept and expire after the configured time', async () => {
  const clock = new TestClock();
  const a = makeStation('N0AAA', clock);
  const b = makeStation('N0BBB', clock);
  put(a.root, 'r.txt', 'v1');
  const { syncOnce } = await import('../../src/files/FolderReplica.js');
  await syncOnce(a.replica, b.replica);
  put(a.root, 'r.txt', 'v2');
  await syncOnce(a.replica, b.replica);
  assert.deepEqual(b.set.versions.list(), ['ops/r~20260115-120000.txt']);
  const v = new Versions(b.set.versions.dir);
  assert.equal(cleanupVersions(v, clock.now() + 1000, 3_600_000), 0, 'young versions stay');
  clock.advance(2 * 3_600_000);
  assert.equal(cleanupVersions(v, clock.now(), 3_600_000), 1);
  assert.deepEqual(v.list(), []);
});

test('case sensitivity of a folder is probed, leaving nothing behind', () => {
  const clock = new TestClock();
  const a = makeStation('N0AAA', clock);
  const before = readdirSync(a.root);
  assert.equal(detectCaseInsensitive(a.root), process.platform === 'darwin' || process.platform === 'win32');
  assert.deepEqual(readdirSync(a.root), before);
});
