/**
 * Take in the application's pending writes (src/store/capture.ts) before deciding what a peer
 * lacks, and write the parked rows that can be written now: the daemon's radio rounds and its
 * off-air rounds (fallback.ts) both start with it.
 */
import { isRadiosyncError } from '../errors/RadiosyncError.js';
import type { Station } from '../station/Station.js';

/**
 * Capture now. A database the application keeps locked past the busy timeout (RS_ERR_STORE_BUSY),
 * or any other typed store error, is counted in the station log (`capture.<code>`), reported, and
 * tried again on the next round: never fatal to a daemon. Returns whether the capture ran.
 */
export function captureRecords(station: Station, onError: (code: string) => void): boolean {
  try {
    station.records.capture();
    retryParkedRows(station, { ifChanged: true });
    return true;
  } catch (e) {
    if (!isRadiosyncError(e)) throw e;
    station.log.bump(`capture.${e.code}`);
    onError(e.code);
    return false;
  }
}

/**
 * Write the parked rows that can be written now: the application may have added what they wait
 * for (a parent row, a referenced table's rows) since. Every apply retries them too; this covers a
 * round or a session that brings no changeset. Sessions and imports start with it; the daemon's
 * rounds too, when the application has written since the last try (`ifChanged`). Returns how many
 * still wait.
 */
export function retryParkedRows(station: Station, opts: { ifChanged?: boolean } = {}): number {
  return station.records.parkedCount() > 0 ? station.records.retryParked(opts).parked : 0;
}
