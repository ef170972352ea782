/** `send`, `receive`, `sync`, `daemon`: sessions on the air through a TNC. */
import type { Command } from 'commander';
import { Option } from 'commander';
import { Station, openRadioSession, startDaemon, sessionOutcome, formatVerdict, type RadioSessionKind, type TransportSpec } from '../../index.js';
import { printResult, reportOutcome } from '../output.js';
import { callList, defaultHome, HOME_HELP, intArg, numberArg } from '../options.js';
import { createProgress } from '../progress.js';
import { createDaemonLogger, createLogger } from '../logger.js';
import { runOnlineSync } from './online.js';

interface TransportFlags {
  port?: string;
  baud?: number;
  kissTcp?: string;
  bitrate?: number;
}

function transportOptions(cmd: Command): Command {
  return cmd
    .addOption(new Option('--port <DEV>', 'hardware KISS TNC on this serial port').conflicts('kissTcp'))
    .option('--baud <N>', 'serial speed', intArg('baud', 50, 4_000_000))
    .option('--kiss-tcp <HOST:PORT>', 'soft TNC over TCP, e.g. Dire Wolf 127.0.0.1:8001 or `radiosync sim`')
    .option('--bitrate <N>', 'the radio\'s bit rate on air, for pacing and timeouts', intArg('bitrate', 50, 1_000_000))
    .option('--home <DIR>', HOME_HELP, defaultHome())
    .option('--verbose', 'structured logs on stderr')
    .option('--json', 'print JSON');
}

function specOf(o: TransportFlags): TransportSpec | undefined {
  if (o.port !== undefined) return { kind: 'serial', path: o.port, ...(o.baud !== undefined ? { baud: o.baud } : {}) };
  if (o.kissTcp !== undefined) {
    const i = o.kissTcp.lastIndexOf(':');
    return i > 0 ? { kind: 'kiss-tcp', host: o.kissTcp.slice(0, i).replace(/^\[|\]$/g, ''), port: Number(o.kissTcp.slice(i + 1)) } : { kind: 'kiss-tcp', host: o.kissTcp };
  }
  return undefined;
}

async function run(kind: RadioSessionKind, o: TransportFlags & { home: string; json?: boolean; verbose?: boolean; timeout: number; once?: boolean; to?: string[]; with?: string[] }): Promise<void> {
  const st = Station.open(o.home, { overrides: { ...(o.bitrate !== undefined ? { 'radio.bitrate': o.bitrate } : {}) } });
  const logger = createLogger(o.verbose === true, st.config.limits.log_bytes_per_hour);
  const progress = o.json ? undefined : createProgress();
  try {
    const r = await openRadioSession(st, {
      kind,
      transport: specOf(o),
      timeoutMs: o.timeout * 1000,
      ...(o.once ? { once: true } : {}),
      peers: o.to ?? o.with ?? [],
      onEvent: (e) => {
        logger.info({ event: e.kind, peer: e.peer, rows: e.rows, bytes: e.bytes, detail: e.detail }, e.kind);
        if (!o.json) progress?.log(`${e.kind} ${e.peer}${e.rows !== undefined ? ` ${e.rows} rows` : ''}${e.bytes !== undefined ? ` ${e.bytes} B` : ''}${e.detail ? ` (${e.detail})` : ''}`);
      },
      onProgress: (p) => progress?.update(p),
      log: (msg, data) => logger.debug(data ?? {}, msg),
    });
    progress?.stop();
    const l = r.link;
    const outcome = sessionOutcome(r);
    const verdicts = Object.entries(r.verdicts).map(([p, v]) => `${p}: ${formatVerdict(v)}`);
    printResult(
      o,
      [
        `${r.kind} ${r.ok ? 'complete' : r.timedOut ? 'timed out' : 'incomplete'}: sent ${r.sent.rows} rows in ${r.sent.transfers} transfer(s), ${r.sent.acknowledged} acknowledged; received ${r.received.changesets} changeset(s), ${r.received.rows} row changes applied, ${r.received.files} files written or removed, ${r.received.conflicts} field conflicts, ${r.received.conflictCopies} conflict copies${r.failed ? `, ${r.failed} transfer(s) given up` : ''}; ${l.framesSent} frames, ≈${Math.round(l.bytesOnAirEstimate)} B on air, ${l.keyUps} key-ups, ${l.turnarounds} turnarounds, ${(r.durationMs / 1000).toFixed(1)} s`,
        ...(verdicts.length ? verdicts : ['no peer digest heard: in sync or not is unknown']),
      ],
      { ...r, exit: outcome.exit, outcome: outcome.code ?? null },
    );
    reportOutcome(outcome, o.json === true);
  } finally {
    progress?.stop();
    st.close();
  }
}

export function registerRadioCommands(program: Command): void {
  transportOptions(program.command('send').description('one session: send everything pending for the stations, wait for acks and repairs; applies nothing'))
    .requiredOption('--to <CALLS>', 'destination station(s); several form one group transmission', callList)
    .option('--timeout <SECONDS>', 'give up (the rest stays queued) after', numberArg('timeout', 1, 7 * 86400), 3600)
    .action((o) => run('send', o));
  transportOptions(program.command('receive').description('listen, acknowledge and apply what arrives for this station; answer sync requests'))
    .option('--once', 'exit 0 after the first complete session')
    .option('--timeout <SECONDS>', 'stop listening after', numberArg('timeout', 1, 365 * 86400), 3600)
    .action((o) => run('receive', o));
  transportOptions(program.command('sync').description('both directions in one session: send, and ask the peer for its changes (on air, or online with --tcp)'))
    .requiredOption('--with <CALL>', 'the peer', callList)
    .addOption(new Option('--tcp <HOST:PORT>', 'sync online with the peer\'s `radiosync serve` (authenticated, encrypted; no radio)').conflicts(['port', 'kissTcp', 'ws']))
    .addOption(new Option('--ws <URL>', 'the same over WebSocket: ws://HOST:PORT/radiosync (`serve --ws`)').conflicts(['port', 'kissTcp']))
    .addOption(new Option('--lan', 'find the peer on the LAN by mDNS (`serve --mdns`), then sync online with it').conflicts(['port', 'kissTcp', 'tcp', 'ws']))
    .option('--timeout <SECONDS>', 'give up after', numberArg('timeout', 1, 7 * 86400), 3600)
    .action((o) => (o.tcp !== undefined || o.ws !== undefined || o.lan ? runOnlineSync(o) : run('sync', o)));
}

export function registerDaemonCommand(program: Command): void {
  transportOptions(program.command('daemon').description('run continuously: listen, send in scheduled windows within budgets and duty cycle, beacon; SIGTERM stops cleanly'))
    .option('--priority <N>', 'priority of what the daemon queues', intArg('priority', -1000, 1000), 0)
    .option('--ttl <SECONDS>', 'drop queued transfers not delivered within this time', numberArg('ttl', 1, 365 * 86400))
    .addOption(new Option('--no-radio', 'no TNC: run only the off-air paths of [online] (online and LAN sync, bundle outbox and inbox)').conflicts(['port', 'kissTcp']))
    .action(async (o: TransportFlags & { home: string; json?: boolean; verbose?: boolean; priority: number; ttl?: number; radio: boolean }) => {
      const st = Station.open(o.home, { overrides: { ...(o.bitrate !== undefined ? { 'radio.bitrate': o.bitrate } : {}) } });
      const log = await createDaemonLogger(st.layout.home, o.verbose === true, st.config.limits.log_bytes_per_hour);
      const logger = log.logger;
      logger.info({ callsign: st.callsign }, 'daemon starting');
      const handle = await startDaemon(st, {
        transport: specOf(o),
        radio: o.radio,
        priority: o.priority,
        ttlMs: o.ttl === undefined ? null : o.ttl * 1000,
        onEvent: (e) => {
          logger.info(e, e.kind);
          if (o.json) process.stdout.write(JSON.stringify({ at: new Date().toISOString(), ...e }) + '\n');
          else if (e.kind !== 'blocked') process.stderr.write(`${new Date().toISOString()} ${e.kind}${e.peer ? ` ${e.peer}` : ''}${e.rows !== undefined ? ` ${e.rows} rows` : ''}${e.detail ? ` ${e.detail}` : ''}\n`);
        },
      });
      if (!o.json) process.stderr.write(`daemon ${st.callsign} on ${handle.transportName}; log in ${log.file.replace(/radiosync\.log$/, '')}; SIGTERM or Ctrl-C stops it\n`);
      await new Promise<void>((resolve) => {
        const stop = () => resolve();
        process.once('SIGTERM', stop);
        process.once('SIGINT', stop);
      });
      await handle.stop();
      logger.info('daemon stopped');
      await log.close();
      st.close();
    });
}
