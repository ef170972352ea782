/** `diff`: what would be sent to a peer, and what it would cost on air. */
import type { Command } from 'commander';
import { Station, previewSend, FolderSync, stateCount, verdictFor, formatVerdict } from '../../index.js';
import { printResult } from '../output.js';
import { callList, defaultHome, HOME_HELP } from '../options.js';

export function registerDiffCommand(program: Command): void {
  program
    .command('diff')
    .description('show what would be sent to a peer: row changes by table and kind, files added, changed, moved and deleted, and the bytes on air')
    .requiredOption('--to <CALLS>', 'peer(s)', callList)
    .option('--home <DIR>', HOME_HELP, defaultHome())
    .option('--json', 'print JSON')
    .action(async (o: { to: string[]; home: string; json?: boolean }) => {
      const st = Station.open(o.home);
      const folders = FolderSync.open(st);
      try {
        const files = folders.enabled ? await folders.diff(o.to[0]!) : undefined;
        const p = previewSend(st, o.to, folders);
        const mine = stateCount(st, folders);
        const verdicts = o.to.map((c) => `${c}: ${formatVerdict(verdictFor(st, c, mine))}`);
        printResult(
          o,
          [
            `to ${p.to.join(',')}: ${p.rows} row changes and ${p.chunkBytes} bytes of file content in ${p.changesets} changeset(s), ${p.payloadBytes} bytes signed and compressed, ≈${p.onAirBytes} bytes on air (≈${(p.airtimeMs / 1000).toFixed(1)} s at ${p.bitrate} bit/s, no loss)`,
            ...verdicts,
            ...p.byTable.map((t) => `  ${t.table.padEnd(20)} ${String(t.upserts).padStart(6)} upserts ${String(t.deletes).padStart(6)} deletes`),
            ...(files ? ['', files.text] : []),
          ],
          { ...p, files: files?.diffs ?? [], verdicts: Object.fromEntries(o.to.map((c) => [c, verdictFor(st, c, mine)])) },
        );
      } finally {
        folders.close();
        st.close();
      }
    });
}
