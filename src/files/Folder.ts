/**
 * A synced folder: a share name (the same at every station) and a local root directory.
 *
 * The root must hold the marker file `.radiosync-folder`. Without it nothing is scanned or
 * written: an unmounted USB stick leaves an empty mount point, and scanning that would record
 * "every file deleted" and send it to every station (Unison refuses a root whose marker is
 * missing for the same reason).
 */
import { existsSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { makeError } from '../errors/RadiosyncError.js';
import { FILES_ERRORS } from './errors.js';
import { FOLDER_MARKER, TEMP_PREFIX } from './ignoreRules.js';

export interface FolderConfig {
  /** Share name: same at every station that syncs this folder. 1–64 chars, no '/' or NUL. */
  share: string;
  /** Absolute path of the folder root on this station. */
  root: string;
}

/** Longest share name accepted. */
export const MAX_SHARE_NAME = 64;

export function validateFolders(folders: FolderConfig[]): void {
  const seen = new Set<string>();
  for (const f of folders) {
    if (f.share.length === 0 || f.share.length > MAX_SHARE_NAME || /[/\0]/.test(f.share) || f.share.startsWith('@')) {
      throw makeError(FILES_ERRORS, 'RS_ERR_FOLDER_CONFIG', `"share" must be 1-${MAX_SHARE_NAME} characters, without '/' and not starting with '@': ${JSON.stringify(f.share)}`, { share: f.share });
    }
    if (seen.has(f.share)) throw makeError(FILES_ERRORS, 'RS_ERR_FOLDER_CONFIG', `duplicate share ${f.share}`, { share: f.share });
    seen.add(f.share);
    if (!isAbsolute(f.root)) throw makeError(FILES_ERRORS, 'RS_ERR_FOLDER_CONFIG', `"root" must be an absolute path: ${f.root}`, { share: f.share, root: f.root });
  }
}

/** Throw RS_ERR_FOLDER_MARKER_MISSING unless the root is a directory holding the marker. */
export function assertFolderMarker(folder: FolderConfig): void {
  let ok = false;
  try {
    ok = statSync(folder.root).isDirectory() && existsSync(join(folder.root, FOLDER_MARKER));
  } catch {
    ok = false;
  }
  if (!ok) {
    throw makeError(
      FILES_ERRORS,
      'RS_ERR_FOLDER_MARKER_MISSING',
      `folder ${folder.share} at ${folder.root} has no ${FOLDER_MARKER} marker (not mounted?); refusing to sync it`,
      { share: folder.share, root: folder.root },
    );
  }
}

/** Create the marker in a new folder (the `radiosync folder init` step). */
export function initFolderMarker(folder: FolderConfig): void {
  const p = join(folder.root, FOLDER_MARKER);
  if (!existsSync(p)) writeFileSync(p, `radiosync folder: ${folder.share}\n`);
}

/**
 * Whether the file system under `root` ignores case (FAT/exFAT, Windows, default macOS volumes):
 * writes a lower-case probe file and looks for it in upper case. The probe is a radiosync temp file,
 * so a crash leaves nothing that syncs.
 */
export function detectCaseInsensitive(root: string): boolean {
  const name = `${TEMP_PREFIX}case-probe-${process.pid}`;
  const probe = join(root, name);
  writeFileSync(probe, '');
  try {
    return existsSync(join(root, name.toUpperCase()));
  } finally {
    unlinkSync(probe);
  }
}
