/** `serve`: answer online syncs (TCP) from trusted stations; `sync --tcp` is in radio.ts. */
import type { Command } from 'commander';
import { Station, FolderSync, serveOnline, parseHostPort, syncOnline, onlineOutcome, formatVerdict, startLanDiscovery, advertisedAddresses, findOnLan, DEFAULT_STALL_MS } from '../../index.js';
import { printResult, reportOutcome } from '../output.js';
import { defaultHome, HOME_HELP } from '../options.js';

export function registerServeCommand(program: Command): void {
  program
    .command('serve')
    .description('answer online syncs from trusted stations over TCP (authenticated, encrypted); SIGTERM stops it')
    .requiredOption('--listen <HOST:PORT>', 'address to listen on, e.g. 0.0.0.0:7373 (port 0: any free port, printed)')
    .option('--ws <HOST:PORT>', 'also answer the same stream over WebSocket at ws://HOST:PORT/radiosync (for networks that pass only HTTP)')
    .option('--mdns', 'advertise this station on the LAN (_radiosync._tcp, callsign and key fingerprint) and record the stations seen')
    .option('--home <DIR>', HOME_HELP, defaultHome())
    .option('--json', 'print JSON lines (ready, session, refused, failed, seen)')
    .action(async (o: { listen: string; ws?: string; mdns?: boolean; home: string; json?: boolean }) => {
      const addr = parseHostPort(o.listen);
      const ws = o.ws === undefined ? undefined : parseHostPort(o.ws);
      const st = Station.open(o.home);
      const folders = FolderSync.open(st);
      const say = (e: Record<string, unknown>, human: string) => {
        if (o.json) process.stdout.write(JSON.stringify({ at: new Date().toISOString(), ...e }) + '\n');
        else process.stderr.write(`${new Date().toISOString()} ${human}\n`);
      };
      try {
        const srv = await serveOnline(st, {
          host: addr.host,
          port: addr.port,
          ...(ws ? { ws } : {}),
          folders,
          onEvent: (e) =>
            say(
              { event: e.kind, peer: e.peer ?? null, remote: e.remote, code: e.code ?? null, ...(e.result ? { ok: e.result.ok, sentRows: e.result.sent.rows, receivedRows: e.result.received.rows, verdict: e.result.verdict } : {}) },
              e.result ? `session ${e.peer} (${e.remote}): sent ${e.result.sent.rows} rows, received ${e.result.received.rows}; ${formatVerdict(e.result.verdict)}` : `${e.kind} ${e.peer ?? ''} (${e.remote}): ${e.detail ?? ''} [${e.code}]`,
            ),
        });
        say({ event: 'ready', callsign: st.callsign, host: srv.host, port: srv.port, wsPort: srv.wsPort ?? null }, `serving ${st.callsign} on ${srv.host}:${srv.port}${srv.wsPort !== undefined ? ` and ws://${ws!.host}:${srv.wsPort}/radiosync` : ''}; SIGTERM or Ctrl-C stops it`);
        if (o.mdns && advertisedAddresses(srv.host) === null) say({ event: 'warning', detail: 'listening on loopback only: not advertised on the LAN (listen on 0.0.0.0 or a LAN address)' }, `not advertised on the LAN: ${srv.host} is loopback only (listen on 0.0.0.0 or a LAN address)`);
        const lan = o.mdns ? startLanDiscovery(st, { port: srv.port, host: srv.host, onSeen: (x) => say({ event: 'seen', peer: x.callsign, host: x.host, port: x.port, fingerprint: x.fingerprint, state: x.state }, `seen ${x.callsign} at ${x.host}:${x.port}: ${x.state}`) }) : undefined;
        await new Promise<void>((resolve) => {
          process.once('SIGTERM', resolve);
          process.once('SIGINT', resolve);
        });
        lan?.close();
        await srv.close();
        say({ event: 'stopped', ...srv.stats }, `stopped: ${srv.stats.sessions} sessions, ${srv.stats.refused} refused, ${srv.stats.failed} failed`);
      } finally {
        folders.close();
        st.close();
      }
    });
}

/** `sync --with CALL --tcp HOST:PORT` or `--ws URL`. */
export async function runOnlineSync(o: { home: string; with: string[]; tcp?: string; ws?: string; lan?: boolean; json?: boolean; timeout: number }): Promise<void> {
  const st = Station.open(o.home);
  const folders = FolderSync.open(st);
  try {
    const where = o.ws !== undefined ? { url: o.ws } : o.lan ? await findOnLan(st, o.with[0]!, Math.min(o.timeout * 1000, 30_000)) : parseHostPort(o.tcp ?? '');
    const r = await syncOnline(st, { ...where, with: o.with[0]!, folders, stallMs: Math.min(o.timeout * 1000, DEFAULT_STALL_MS), deadlineMs: o.timeout * 1000, ...(o.lan ? { path: 'lan' as const } : {}) });
    const outcome = onlineOutcome(r);
    printResult(
      o,
      [
        `online sync ${r.ok ? 'complete' : 'incomplete'}: sent ${r.sent.rows} rows in ${r.sent.changesets} changeset(s), ${r.sent.acknowledged} acknowledged; received ${r.received.changesets} changeset(s), ${r.received.rows} row changes applied, ${r.received.files} files, ${r.received.conflicts} field conflicts; ${r.bytesOut} B out, ${r.bytesIn} B in, ${(r.durationMs / 1000).toFixed(1)} s`,
        `${r.peer}: ${formatVerdict(r.verdict)}`,
      ],
      { ...r, path: 'online', exit: outcome.exit, outcome: outcome.code ?? null },
    );
    reportOutcome(outcome, o.json === true);
  } finally {
    folders.close();
    st.close();
  }
}
