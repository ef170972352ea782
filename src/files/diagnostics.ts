/**
 * Named diagnostics_channel events of folder sync (published only when someone subscribes):
 * - `radiosync:files:scan`     { share, stats, changes }          after every scan
 * - `radiosync:files:apply`    { share, written, deleted, conflictCopies, deferred, rejected }
 * - `radiosync:files:conflict` { share, path, copy }               a conflict copy was written
 */
import { channel } from 'node:diagnostics_channel';

export const FILES_DIAGNOSTICS = {
  scan: 'radiosync:files:scan',
  apply: 'radiosync:files:apply',
  conflict: 'radiosync:files:conflict',
} as const;

export const diagScan = channel(FILES_DIAGNOSTICS.scan);
export const diagApply = channel(FILES_DIAGNOSTICS.apply);
export const diagConflict = channel(FILES_DIAGNOSTICS.conflict);
