/** `demo`: two stations, the sample database, real edits on both sides, a sync over the simulator. */
import type { Command } from 'commander';
import { runDemo } from '../../index.js';
import { printResult } from '../output.js';
import { intArg, numberArg } from '../options.js';

export function registerDemoCommand(program: Command): void {
  program
    .command('demo')
    .description('two stations sync the sample database over a simulated 1200 bit/s channel with loss, and report')
    .option('--dir <DIR>', 'where to leave the two station directories', 'radiosync-demo')
    .option('--bitrate <N>', 'bit rate on air', intArg('bitrate', 300, 9600), 1200)
    .option('--loss <P>', 'frame loss probability', numberArg('loss', 0, 0.9), 0.1)
    .option('--seed <N>', 'simulator seed', intArg('seed', 0, 2 ** 31), 1)
    .option('--json', 'print JSON')
    .action(async (o: { dir: string; bitrate: number; loss: number; seed: number; json?: boolean }) => {
      const s = await runDemo({ dir: o.dir, bitrate: o.bitrate, loss: o.loss, seed: o.seed, log: o.json ? () => {} : (l) => console.log(l) });
      const sec = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
      printResult(
        o,
        [
          '',
          'phase            rows   payload B  on-air B  frames  key-ups  turnarounds  time on air  session  bound   ratio',
          ...s.phases.map((p) =>
            `${p.name.padEnd(15)} ${String(p.rows).padStart(5)} ${String(p.payloadBytes).padStart(11)} ${String(p.bytesOnAir).padStart(9)} ${String(p.framesSent).padStart(7)} ${String(p.keyUps).padStart(8)} ${String(p.turnarounds).padStart(12)} ${sec(p.airtimeMs).padStart(12)} ${sec(p.elapsedMs).padStart(8)} ${sec(p.boundMs).padStart(7)} ${p.ratioToBound.toFixed(2).padStart(6)}`,
          ),
          '',
          `tables: ${s.tables.map((t) => `${t.table} ${t.rows}`).join(', ')}; conflicts recorded (loser kept): ${s.conflicts}`,
          `synced tables identical at both stations: ${s.identical ? 'yes' : 'NO'}`,
          `folder "reports": ${s.folders.hq.files} files in ${s.folders.hq.dirs} folders; identical at both stations: ${s.folders.identical ? 'yes' : 'NO'}`,
          `station directories left in ${s.dir}: try \`radiosync status --home ${s.stations[0]!.home}\` or \`radiosync peers --home ${s.stations[1]!.home}\``,
        ],
        s,
      );
      if (!s.identical || !s.folders.identical) process.exitCode = 1;
    });
}
