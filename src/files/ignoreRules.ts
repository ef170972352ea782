/**
 * Ignore rules: a `.radiosyncignore` at the folder root, in gitignore syntax (the `ignore` package:
 * last match wins, `!` re-includes, `**` spans directories, a trailing `/` matches directories
 * only), applied after the built-in {@link DEFAULT_IGNORES}. A `!pattern` in the file can re-include
 * anything the defaults exclude, except radiosync's own marker, temp files and its station data.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import ignore from 'ignore';

/** Name of the per-folder ignore file (synced like any other file, so all stations share rules). */
export const IGNORE_FILE = '.radiosyncignore';
/** Root marker: a folder without it is never scanned or written (see Folder.ts). */
export const FOLDER_MARKER = '.radiosync-folder';
/** Prefix of radiosync's temporary files during a safe write. */
export const TEMP_PREFIX = '.radiosync-tmp-';

/**
 * Ignored by default. Each line says why.
 */
export const DEFAULT_IGNORES: readonly string[] = [
  // radiosync's own temp files (never synced; cleaned on the next run)
  `${TEMP_PREFIX}*`,
  // editor swap, backup and lock files
  '*.swp', '*.swo', '*.swx', '*~', '.#*', '#*#', '*.tmp', '*.temp', '~$*', '.~lock.*#',
  // partial downloads
  '*.part', '*.crdownload',
  // OS junk
  '.DS_Store', '._*', 'Thumbs.db', 'desktop.ini', '.Trashes', '.Spotlight-V100', '.fseventsd',
  '$RECYCLE.BIN/', 'System Volume Information/', 'lost+found/',
  // other sync tools' metadata
  '.stfolder', '.stversions/', '.git/',
  // a station directory kept inside a synced folder (versions, chunk store)
  '.radiosync/',
];

/** Never synced, whatever the ignore file says. */
const ALWAYS_IGNORED = [FOLDER_MARKER, `${TEMP_PREFIX}*`];

/** `true` if the folder-relative path is ignored. `isDir` matters for patterns ending in '/'. */
export type IgnoreTest = (relPath: string, isDir: boolean) => boolean;

/** Build the ignore test from the defaults plus the ignore file's text. */
export function makeIgnore(fileText = ''): IgnoreTest {
  const ig = ignore().add([...DEFAULT_IGNORES]).add(fileText);
  const always = ignore().add(ALWAYS_IGNORED);
  return (rel, isDir) => {
    const p = isDir ? `${rel}/` : rel;
    return always.ignores(p) || ig.ignores(p);
  };
}

/** Load the folder's `.radiosyncignore` (if any) and build its test. */
export function loadIgnore(root: string): IgnoreTest {
  let text = '';
  try {
    text = readFileSync(join(root, IGNORE_FILE), 'utf8');
  } catch {
    /* no ignore file: defaults only */
  }
  return makeIgnore(text);
}
