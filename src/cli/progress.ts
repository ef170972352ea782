/**
 * A progress bar for long transfers (cli-progress), on stderr, only on a terminal. The ETA is our
 * own: cli-progress prints `ETA NFs` until the first block is acknowledged (its rate is 0), so
 * until then the bar says what it is waiting for instead.
 */
import cliProgress from 'cli-progress';
import type { SessionProgress } from '../index.js';

export interface Progress {
  update(p: SessionProgress): void;
  log(line: string): void;
  stop(): void;
}

/** The ETA text: from the rate of acknowledged blocks since the bar started. */
export function etaText(acked: number, total: number, elapsedMs: number, startAcked = 0): string {
  const done = acked - startAcked;
  if (acked >= total) return 'done';
  if (done <= 0 || elapsedMs <= 0) return 'waiting for the first ack';
  const ms = ((total - acked) * elapsedMs) / done;
  if (!Number.isFinite(ms)) return 'waiting for the first ack';
  const s = Math.round(ms / 1000);
  return s < 90 ? `${s} s` : s < 5400 ? `${Math.round(s / 60)} min` : `${(s / 3600).toFixed(1)} h`;
}

export function createProgress(now: () => number = Date.now): Progress {
  const tty = process.stderr.isTTY === true;
  let bar: cliProgress.SingleBar | undefined;
  let started = 0;
  let startAcked = 0;
  return {
    update(p) {
      if (!tty || p.totalBlocks === 0) return;
      if (!bar) {
        bar = new cliProgress.SingleBar(
          { format: 'sending {peers} [{bar}] {percentage}% | {value}/{total} blocks acknowledged | ETA {etaText}', stream: process.stderr, hideCursor: true },
          cliProgress.Presets.shades_classic,
        );
        started = now();
        startAcked = p.ackedBlocks;
        bar.start(p.totalBlocks, p.ackedBlocks, { peers: p.peers.join(','), etaText: etaText(p.ackedBlocks, p.totalBlocks, 0, startAcked) });
      }
      bar.setTotal(p.totalBlocks);
      bar.update(p.ackedBlocks, { peers: p.peers.join(','), etaText: etaText(p.ackedBlocks, p.totalBlocks, now() - started, startAcked) });
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
