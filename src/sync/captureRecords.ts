/**
 * Take in the application's pending writes (src/store/capture.ts) before deciding what a peer
 * lacks: the daemon's radio rounds and its off-air rounds (fallback.ts) both start with it.
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
    return true;
  } catch (e) {
    if (!isRadiosyncError(e)) throw e;
    station.log.bump(`capture.${e.code}`);
    onError(e.code);
    return false;
  }
}
