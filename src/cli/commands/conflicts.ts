/** `conflicts`, `conflicts show <id>`, `conflicts resolve <id>`: the losers kept in radiosync_conflict. */
import { Option, type Command } from 'commander';
import { Station, type ConflictRecord, type ConflictResolution } from '../../index.js';
import { printResult } from '../output.js';
import { defaultHome, HOME_HELP, intArg } from '../options.js';

const idArg = intArg('id', 1, Number.MAX_SAFE_INTEGER);

const text = (v: unknown): string => JSON.stringify(v);

function line(c: ConflictRecord): string {
  const who = (s: { origin: string | null; seq: number | null }) => (s.origin === null ? 'unknown' : `${s.origin} seq ${s.seq}`);
  const what =
    c.kind === 'delete'
      ? `edit (${who(c.winner)}) kept the row over a delete (${who(c.loser)})`
      : `${c.field}: kept ${text(c.winner.value)} (${who(c.winner)}) over ${text(c.loser.value)} (${who(c.loser)})`;
  const state = c.state === 'open' ? 'open' : `resolved by ${c.resolvedBy!.origin} seq ${c.resolvedBy!.seq}`;
  return `#${c.n} ${c.table} ${c.id} ${what}; ${state}`;
}

/** `--value V`: JSON when it parses as JSON (42, null, "42", {"$uuid": …}), otherwise the text itself. */
export function valueArg(v: string): unknown {
  try {
    return JSON.parse(v) as unknown;
  } catch {
    return v;
  }
}

function withStation<T>(home: string, fn: (st: Station) => T): T {
  const st = Station.open(home);
  try {
    return fn(st);
  } finally {
    st.close();
  }
}

export function registerConflictsCommands(program: Command): void {
  const conflicts = program
    .command('conflicts')
    .description('list the conflicts kept here (losing values are never dropped): id, table, row UUID, field, both values, open or resolved')
    .option('--open', 'only conflicts not resolved yet')
    .option('--table <NAME>', 'only this table')
    .option('--home <DIR>', HOME_HELP, defaultHome())
    .option('--json', 'print JSON')
    .configureHelp({ showGlobalOptions: true })
    .action((o: { open?: boolean; table?: string; home: string; json?: boolean }) =>
      withStation(o.home, (st) => {
        const list = st.records.conflicts({ ...(o.open ? { open: true } : {}), ...(o.table !== undefined ? { table: o.table } : {}) });
        printResult(o, list.length === 0 ? 'no conflicts' : list.map(line), list);
      }),
    );

  conflicts
    .command('show')
    .argument('<ID>', 'conflict id (from `radiosync conflicts`)', idArg)
    .description('one conflict in detail, with the value the table holds now (--home, --json: as for `conflicts`)')
    .action((id: number, _o: unknown, cmd: Command) => {
      const o = cmd.optsWithGlobals<{ home: string; json?: boolean }>();
      withStation(o.home, (st) => {
        const d = st.records.conflict(id);
        printResult(
          o,
          [
            line(d),
            `  detected ${new Date(d.detectedAt).toISOString()}, policy ${d.policy}`,
            d.rowPresent ? (d.kind === 'field' ? `  now: ${text(d.current)}` : '  the row exists here') : '  the row is no longer here',
          ],
          d,
        );
      });
    });

  conflicts
    .command('resolve')
    .argument('<ID>', 'conflict id (from `radiosync conflicts`)', idArg)
    .description('settle a conflict by an ordinary edit that syncs like any other: keep the winner, take the loser, or set a value (--home, --json: as for `conflicts`)')
    .addOption(new Option('--keep-winner', 'keep the value the merge chose (delete conflict: keep the row)').conflicts(['takeLoser', 'value']))
    .addOption(new Option('--take-loser', 'take the losing value (delete conflict: delete the row)').conflicts(['keepWinner', 'value']))
    .addOption(new Option('--value <V>', 'set this value: JSON (42, null, "42", {"$uuid": "…"}) or plain text; a reference takes the referenced row\'s UUID').argParser(valueArg).conflicts(['keepWinner', 'takeLoser']))
    .action(function (this: Command, n: number) {
      const o = this.optsWithGlobals<{ keepWinner?: boolean; takeLoser?: boolean; value?: unknown; home: string; json?: boolean }>();
      if (o.keepWinner !== true && o.takeLoser !== true && !('value' in o)) {
        this.error('give one of --keep-winner, --take-loser or --value V', { exitCode: 64, code: 'commander.missingMandatoryOptionValue' });
      }
      const how: ConflictResolution = o.keepWinner ? { keep: 'winner' } : o.takeLoser ? { keep: 'loser' } : { value: o.value as never };
      withStation(o.home, (st) => {
        const r = st.records.resolveConflict(n, how);
        printResult(
          o,
          r.conflict.kind === 'delete' && o.takeLoser
            ? `#${n}: ${r.conflict.table} ${r.conflict.id} deleted; ${r.changes} change recorded, sent with the next sync`
            : `#${n}: ${r.conflict.table} ${r.conflict.id} ${r.conflict.field || 'row'} = ${text(r.value)}; ${r.changes} change recorded, sent with the next sync`,
          r,
        );
      });
    });
}
