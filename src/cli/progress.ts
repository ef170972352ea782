/** A progress bar with ETA for long transfers (cli-progress), on stderr, only on a terminal. */
import cliProgress from 'cli-progress';
import type { SessionProgress } from '../index.js';

export interface Progress {
  update(p: SessionProgress): void;
  log(line: string): void;
  stop(): void;
}

export function createProgress(): Progress {
  const tty = process.stderr.isTTY === true;
  let bar: cliProgress.SingleBar | undefined;
  return {
    update(p) {
      if (!tty || p.totalBlocks === 0) return;
      if (!bar) {
        bar = new cliProgress.SingleBar(
          { format: 'sending {peers} [{bar}] {percentage}% | {value}/{total} blocks | ETA {eta_formatted}', stream: process.stderr, hideCursor: true },
          cliProgress.Presets.shades_classic,
        );
        bar.start(p.totalBlocks, p.ackedBlocks, { peers: p.peers.join(',') });
      }
      bar.setTotal(p.totalBlocks);
      bar.update(p.ackedBlocks, { peers: p.peers.join(',') });
    },
    log(line) {
      if (bar) bar.stop(), (bar = undefined);
      process.stderr.write(line + '\n');
    },
    stop() {
      bar?.stop();
      bar = undefined;
    },
  };
}
