/** `sim`: the simulator as a standalone virtual TNC hub (KISS over TCP and a pty per station). */
import type { Command } from 'commander';
import { simMain, type SimCliOptions } from '../../index.js';

export function registerSimCommand(program: Command): void {
  program
    .command('sim')
    .description('run a real-time virtual radio channel: each station gets a KISS-over-TCP port on 127.0.0.1 and a pseudo-terminal')
    .option('--stations <LIST>', 'comma-separated station names on the channel', 'A,B')
    .option('--hidden <PAIRS>', 'pairs of stations that cannot hear each other (hidden terminals), e.g. A:C,B:D')
    .option('--bitrate <N>', 'bit rate on air, bit/s', '1200')
    .option('--loss <SPEC>', 'frame loss: 0.1, iid:0.1, or Gilbert-Elliott ge:P(good→bad),P(bad→good)', '0')
    .option('--ber <RATE>', 'bit error rate, turned into frame loss by length')
    .option('--latency <MS>', 'delivery latency, ms')
    .option('--jitter <MS>', 'extra delivery delay per frame, uniform in 0..MS (a KISS-over-TCP TNC passes frames on unevenly)')
    .option('--duplicate <P>', 'probability that a frame is delivered twice')
    .option('--seed <N>', 'random seed', '1')
    .option('--base-port <PORT>', 'KISS TCP port of the first station (0 = any free port)', '8001')
    .option('--pty-dir <DIR>', 'directory for the stations\' pseudo-terminal links')
    .option('--no-pty', 'no pseudo-terminals, TCP only')
    .option('--txdelay <MS>', 'TXDELAY of every station')
    .option('--txtail <MS>', 'TXTAIL of every station')
    .option('--persist <P>', 'p-persistence 0-255')
    .option('--slottime <MS>', 'slot time')
    .option('--report-interval <SECONDS>', 'seconds between reports (0 = only at exit)')
    .option('--json', 'JSON lines')
    .action(async (o: SimCliOptions) => {
      process.exitCode = await simMain(o);
    });
}
