/**
 * The station's transfer queue: persistent, in <home>/station.sqlite (shared with the station
 * log), so transfers resume after a restart or a kill -9 without resending acknowledged blocks.
 */
import type { TransferQueue } from '../link/TransferQueue.js';
import { SqliteTransferQueue } from '../store/sqliteTransferQueue.js';
import type { Station } from '../station/Station.js';

export function openStationQueue(st: Station): TransferQueue {
  return new SqliteTransferQueue({ db: st.log.db });
}
