/** `init`, `key`, `peer add`, `peers`: the station directory and who it trusts. */
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { initStation, reconfigureStation, Station, peerList, FolderSync, stateCount, verdictFor, formatVerdict, lastPeerPath, formatPeerPath, lanSeen, startLanDiscovery } from '../../index.js';
import { printResult } from '../output.js';
import { callList, collectPairs, defaultHome, HOME_HELP } from '../options.js';

function reconfigured(call: string, home: string, changed: readonly string[]): string[] {
  return [
    `station ${call} in ${home} reconfigured`,
    changed.length === 0 ? '  no records setting changed; capture triggers regenerated' : `  applied: ${changed.join(', ')}`,
  ];
}

export function registerStationCommands(program: Command): void {
  program
    .command('init')
    .description('create a station: config, key pair, and change capture on the chosen tables')
    .requiredOption('--callsign <CALL>', 'this station\'s callsign, CALL or CALL-SSID')
    .option('--home <DIR>', HOME_HELP, defaultHome())
    .option('--db <FILE>', 'application SQLite database to sync')
    .option('--tables <LIST>', 'comma-separated tables of that database to sync', (v: string) => v.split(',').map((s) => s.trim()).filter(Boolean))
    .option('--folder <NAME=PATH>', 'a folder to sync (repeatable)', collectPairs)
    .option('--owner <TEXT>', 'operator or organisation')
    .option('--contact <TEXT>', 'how to reach the operator')
    .option('--profile <NAME>', 'TNC/radio profile from hardware/profiles')
    .option('--add-uuids', 'give tables without a UUID column one: the column, a v4 UUID per row, a unique index, an insert trigger')
    .option('--schema-from <FILE>', 'create --db as an empty copy of this database\'s schema (a new field station)')
    .option('--adopt-copy', '--db is a copy of another station\'s initialised database: keep its log, take this callsign')
    .option('--json', 'print JSON')
    .action((o: { callsign: string; home: string; db?: string; tables?: string[]; folder?: Record<string, string>; owner?: string; contact?: string; profile?: string; addUuids?: boolean; schemaFrom?: string; adoptCopy?: boolean; json?: boolean }) => {
      const s = initStation({
        ...(o.addUuids ? { addUuids: true } : {}),
        ...(o.adoptCopy ? { adoptCopy: true } : {}),
        ...(o.schemaFrom !== undefined ? { schemaFrom: o.schemaFrom } : {}),
        home: o.home,
        callsign: o.callsign,
        ...(o.db !== undefined ? { db: o.db } : {}),
        ...(o.tables !== undefined ? { tables: o.tables } : {}),
        ...(o.folder !== undefined ? { folders: o.folder } : {}),
        ...(o.owner !== undefined ? { owner: o.owner } : {}),
        ...(o.contact !== undefined ? { contact: o.contact } : {}),
        ...(o.profile !== undefined ? { profile: o.profile } : {}),
      });
      if (s.changed !== undefined) {
        printResult(o, reconfigured(s.callsign, s.home, s.changed), s);
        return;
      }
      printResult(o, [
        `station ${s.callsign} created in ${s.home}`,
        `  records: ${s.db}${s.tables.length ? ` (tables ${s.tables.join(', ')})` : ''}`,
        ...Object.entries(s.folders).map(([n, p]) => `  folder ${n}: ${p}`),
        `  public key: ${s.publicKey}`,
        ...(s.unsyncedReferences ?? []).map((r) => `  note: ${r.table}.${r.column} references ${r.references}, which is not synced (${r.rows} rows here): every station needs the same ${r.references} rows, with the same UUIDs, or the ${r.table} rows that reference one it lacks wait (\`radiosync status\` shows them)`),
        `give the key to your peers: they run \`radiosync peer add ${s.callsign} --key <key>\``,
      ], s);
    });

  program
    .command('reconfigure')
    .description('apply records settings changed in radiosync.toml since init; regenerate the capture triggers')
    .option('--home <DIR>', HOME_HELP, defaultHome())
    .option('--add-uuids', 'give newly listed tables without a UUID column one (as init --add-uuids)')
    .option('--json', 'print JSON')
    .action((o: { home: string; addUuids?: boolean; json?: boolean }) => {
      const s = reconfigureStation(o.home, o.addUuids ? { addUuids: true } : {});
      printResult(o, reconfigured(s.callsign, s.home, s.changed), s);
    });

  program
    .command('migrate')
    .description('after a schema change of the application: regenerate the capture triggers, apply values that waited for new columns, find writes the old triggers missed')
    .option('--home <DIR>', HOME_HELP, defaultHome())
    .option('--sql <FILE>', 'run this migration script under radiosync, in one transaction with the check (needed to drop a synced column)')
    .option('--json', 'print JSON')
    .action((o: { home: string; sql?: string; json?: boolean }) => {
      const script = o.sql === undefined ? undefined : readFileSync(o.sql, 'utf8');
      const st = Station.open(o.home);
      try {
        const done = st.migrate(script);
        const excluded = new Set(st.config.records.exclude_tables);
        const unsynced = st.records.unsyncedTables().filter((t) => !excluded.has(t));
        printResult(
          o,
          [
            ...(done.length === 0 ? ['no synced table changed its schema'] : []),
            ...done.map((m) => {
                const parts = [
                  ...(m.added.length ? [`added ${m.added.join(', ')}`] : []),
                  ...(m.renamed.length ? [`renamed ${m.renamed.map((r) => `${r.from} → ${r.to}`).join(', ')}`] : []),
                  ...(m.dropped.length ? [`dropped ${m.dropped.join(', ')}`] : []),
                  ...(m.rebuilt ? ['rebuilt (triggers were gone)'] : []),
                ];
                return `${m.table}: ${parts.join('; ') || 'triggers regenerated'}; ${m.rowsApplied} rows written from waiting values, ${m.changesFound} unseen writes captured`;
              }),
            ...(unsynced.length > 0 ? [`tables not synced: ${unsynced.join(', ')} (to sync one, add it to records.tables and run \`radiosync reconfigure\`)`] : []),
          ],
          { migrations: done, unsynced },
        );
      } finally {
        st.close();
      }
    });

  program
    .command('key')
    .description('print this station\'s public key on one line, for peers')
    .option('--home <DIR>', HOME_HELP, defaultHome())
    .option('--json', 'print JSON')
    .action((o: { home: string; json?: boolean }) => {
      const st = Station.open(o.home);
      try {
        printResult(o, st.publicKey(), { callsign: st.callsign, key: st.publicKey() });
      } finally {
        st.close();
      }
    });

  const peer = program.command('peer').description('manage known stations');
  peer
    .command('add <CALL>')
    .description('trust a station: record its public key')
    .requiredOption('--key <KEY>', 'the station\'s public key, as printed by `radiosync key` (rsk1:…)')
    .option('--home <DIR>', HOME_HELP, defaultHome())
    .option('--owner <TEXT>', 'operator or organisation')
    .option('--contact <TEXT>', 'how to reach the operator')
    .option('--json', 'print JSON')
    .action((call: string, o: { key: string; home: string; owner?: string; contact?: string; json?: boolean }) => {
      const [c] = callList(call);
      const st = Station.open(o.home);
      try {
        st.addPeer(c!, o.key, { ...(o.owner !== undefined ? { owner: o.owner } : {}), ...(o.contact !== undefined ? { contact: o.contact } : {}) });
        printResult(o, `peer ${c} added`, { peer: c, added: true });
      } finally {
        st.close();
      }
    });
  peer
    .command('retire <CALL>')
    .description('mark a station out of use (its data is kept; nothing more is accepted from it or sent to it)')
    .option('--home <DIR>', HOME_HELP, defaultHome())
    .option('--undo', 'put it back in use')
    .option('--json', 'print JSON')
    .action((call: string, o: { home: string; undo?: boolean; json?: boolean }) => {
      const [c] = callList(call);
      const st = Station.open(o.home);
      try {
        st.log.setOutOfUse(c!, !o.undo);
        printResult(o, `peer ${c} ${o.undo ? 'back in use' : 'out of use'}`, { peer: c, outOfUse: !o.undo });
      } finally {
        st.close();
      }
    });

  program
    .command('peers')
    .description('list known stations: state, last heard, pending, last sync')
    .option('--discover <SECONDS>', 'first browse the LAN by mDNS for this long (stations advertised by `serve --mdns`)', (v: string) => Math.max(0, Math.min(600, Number(v) || 0)))
    .option('--home <DIR>', HOME_HELP, defaultHome())
    .option('--json', 'print JSON')
    .action(async (o: { home: string; json?: boolean; discover?: number }) => {
      const st = Station.open(o.home);
      const folders = FolderSync.open(st);
      try {
        if (o.discover) {
          const d = startLanDiscovery(st);
          await new Promise((r) => setTimeout(r, o.discover! * 1000));
          d.close();
        }
        await folders.capture();
        const mine = stateCount(st, folders);
        const lan = lanSeen(st);
        const peers = peerList(st).map((p) => ({ ...p, verdict: verdictFor(st, p.callsign, mine), lastPath: lastPeerPath(st, p.callsign) ?? null, lan: lan.find((l) => l.callsign === p.callsign) ?? null }));
        // stations seen on the LAN that are not trusted peers: listed, never synced
        const strangers = lan.filter((l) => !peers.some((p) => p.callsign === l.callsign)).map((l) => ({ callsign: l.callsign, state: l.state, trusted: false, lan: l }));
        const list = peers;
        const fmt = (t: number | null) => (t === null ? '-' : new Date(t).toISOString().replace('T', ' ').slice(0, 19) + 'Z');
        printResult(
          o,
          list.length === 0 && strangers.length === 0
            ? 'no peers yet: add one with `radiosync peer add CALL --key KEY`'
            : [
                'CALLSIGN   STATE       LAST HEARD            PENDING  LAST SYNC             SYNCS  CLOCK  LAST PATH                      DATA',
                ...list.map((p) =>
                  `${p.callsign.padEnd(10)} ${p.state.padEnd(11)} ${fmt(p.lastHeard).padEnd(21)} ${String(p.pendingRows).padStart(7)}  ${fmt(p.lastSync).padEnd(21)} ${String(p.syncCount).padStart(5)}  ${(p.clockFlag ?? 'ok').padEnd(5)}  ${formatPeerPath(p.lastPath ?? undefined).padEnd(30)} ${formatVerdict(p.verdict)}${p.lan ? `; LAN ${p.lan.host}:${p.lan.port} tcp (${p.lan.state})` : ''}`,
                ),
                ...strangers.map((s) => `${s.callsign.padEnd(10)} seen, not trusted: LAN ${s.lan.host}:${s.lan.port} tcp, key fingerprint ${s.lan.fingerprint}`),
              ],
          [...list, ...strangers],
        );
      } finally {
        folders.close();
        st.close();
      }
    });
}
