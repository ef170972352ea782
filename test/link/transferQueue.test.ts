import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MemoryTransferQueue } from '../../src/link/MemoryTransferQueue.js';
import { SqliteTransferQueue } from '../../src/store/sqliteTransferQueue.js';
import { transferQueueCompliance } from './transferQueueCompliance.js';

transferQueueCompliance('MemoryTransferQueue', () => ({ queue: new MemoryTransferQueue() }));
transferQueueCompliance('SqliteTransferQueue', () => {
  const path = join(mkdtempSync(join(tmpdir(), 'rs-queue-')), 'q.sqlite');
  let q = new SqliteTransferQueue({ path });
  return {
    queue: q,
    reopen: () => {
      // no close(): like a kill -9, the next process opens the same file
      q = new SqliteTransferQueue({ path });
      return q;
    },
  };
});
