/**
 * Error codes of folder sync (scan, chunking, safe writes, apply).
 *
 * Entries and chunks that arrive over the air are data: `applyEntries` reports a bad path, a
 * missing chunk or a hash mismatch in its result and goes on with the other entries. These codes are
 * thrown for local conditions a caller must act on (a missing root marker, a bad folder config).
 */
import { EXIT, type ErrorCatalog } from '../errors/RadiosyncError.js';

export const FILES_ERRORS = {
  RS_ERR_FOLDER_MARKER_MISSING: {
    exit: EXIT.NO_INPUT,
    description:
      'A synced folder has no .radiosync-folder marker at its root (an unmounted USB stick or a moved folder looks empty). Nothing is scanned or written; mount the folder, or run `radiosync folder init` if it is really new.',
  },
  RS_ERR_FOLDER_CONFIG: {
    exit: EXIT.CONFIG,
    description: 'A folder definition is invalid: an empty or duplicate share name, or a root that is not an absolute directory path.',
  },
  RS_ERR_FILES_BAD_PATH: {
    exit: EXIT.DATA,
    description:
      'A file entry names a path that is absolute, contains `..`, a NUL or an empty segment, is longer than MAX_ENTRY_PATH_BYTES, or lies under a symlink in the local folder. The entry is not applied.',
  },
  RS_ERR_FILES_BAD_CHUNK_LIST: {
    exit: EXIT.DATA,
    description: 'A packed chunk list is truncated, has an unknown level, or its chunks do not add up to the entry size. The entry is not applied.',
  },
  RS_ERR_FILES_CHUNK_MISSING: {
    exit: EXIT.TEMPFAIL,
    description: 'A file cannot be materialised yet because some of its chunks have not arrived. It is retried when they do.',
  },
  RS_ERR_FILES_TARGET_CHANGED: {
    exit: EXIT.TEMPFAIL,
    description:
      'A file was edited locally after the last scan and before an incoming version could replace it. The incoming version is not written; the next scan records the local edit and the two are resolved as a conflict.',
  },
  RS_ERR_FILES_BAD_ENTRY: {
    exit: EXIT.DATA,
    description:
      'A file entry has a mode, mtime or size outside its documented range (mode 0 … 0xFFFF, mtime 0 … year 9999 in ms, size a non-negative safe integer). The entry is not applied and is shown in `status`; other entries go on.',
  },
  RS_ERR_FILES_NO_SPACE: {
    exit: EXIT.NO_SPACE,
    description:
      'The disk filled up while a file was written (ENOSPC). Its temp file was removed and the old file kept; the entry is retried on the next import or sync once space is freed.',
  },
  RS_ERR_FILES_WRITE_FAILED: {
    exit: EXIT.IO,
    description:
      'Writing, setting the mode or the time of a file failed for a reason other than a full disk (permissions, I/O error). Its temp file was removed; the entry is retried later and shown in `status`; other entries go on.',
  },
} as const satisfies ErrorCatalog;

export type FilesErrorCode = keyof typeof FILES_ERRORS;
