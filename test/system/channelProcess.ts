/**
 * The real-time test channel (test/channel/kissTcpChannel.ts) as its own process, the way the
 * system tests and the real-time bench use it: spawn, wait for its ports, stop with SIGTERM and
 * read its final statistics.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { createInterface } from 'node:readline';
import type { ChannelStats, StationPort } from '../channel/kissTcpChannel.js';

const CHANNEL_MAIN = fileURLToPath(new URL('../channel/kissTcpChannel.ts', import.meta.url));

export interface ChannelArgs {
  stations: string[];
  bitrate: number;
  loss: string;
  seed: number;
  txdelayMs: number;
  txtailMs?: number;
  extra?: string[];
}

export interface ChannelProcess {
  ports: Record<string, StationPort>;
  /** `--kiss-tcp` value for a station. */
  addr(station: string): string;
  /** A snapshot of the statistics while it runs. */
  stats(): Promise<ChannelStats>;
  /** SIGTERM; resolves with the final statistics. */
  stop(): Promise<ChannelStats>;
  child: ChildProcess;
}

export async function startChannel(a: ChannelArgs): Promise<ChannelProcess> {
  const args = [
    '--import', 'tsx', CHANNEL_MAIN, '--stations', a.stations.join(','), '--bitrate', String(a.bitrate), '--loss', a.loss,
    '--seed', String(a.seed), '--txdelay', String(a.txdelayMs), '--txtail', String(a.txtailMs ?? 50), ...(a.extra ?? []),
  ];
  const child = spawn(process.execPath, args, { stdio: ['pipe', 'pipe', 'pipe'] });
  let err = '';
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  const lines = createInterface({ input: child.stdout! });
  const waiters: Array<(j: { event: string; stats?: ChannelStats }) => void> = [];
  let ports: StationPort[] | undefined;
  const ready = new Promise<StationPort[]>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`channel did not start: ${err}`)), 30_000);
    child.on('exit', (code) => reject(new Error(`channel exited ${code}: ${err}`)));
    lines.on('line', (l) => {
      let j: { event: string; stations?: StationPort[]; stats?: ChannelStats };
      try {
        j = JSON.parse(l) as typeof j;
      } catch {
        return;
      }
      if (j.event === 'ready' && j.stations) {
        clearTimeout(t);
        ports = j.stations;
        resolve(j.stations);
      } else for (const w of waiters.splice(0)) w(j);
    });
  });
  await ready;
  const byName = Object.fromEntries(ports!.map((p) => [p.name, p]));
  const next = (event: string) =>
    new Promise<ChannelStats>((resolve, reject) => {
      const onExit = () => reject(new Error(`channel exited before "${event}": ${err}`));
      child.once('exit', onExit);
      const w = (j: { event: string; stats?: ChannelStats }) => {
        if (j.event === event && j.stats) {
          child.off('exit', onExit);
          resolve(j.stats);
        } else waiters.push(w);
      };
      waiters.push(w);
    });
  let stopped: Promise<ChannelStats> | undefined;
  return {
    ports: byName,
    addr: (s) => `${byName[s]!.host}:${byName[s]!.port}`,
    stats: () => {
      const p = next('stats');
      child.stdin!.write('stats\n');
      return p;
    },
    stop: () => {
      if (!stopped) {
        stopped = next('exit');
        child.kill('SIGTERM');
      }
      return stopped;
    },
    child,
  };
}
