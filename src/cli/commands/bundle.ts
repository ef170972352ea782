/** `export` and `import`: the same changesets as on air, as one file for a USB stick or email. */
import { readFileSync, writeFileSync, renameSync } from 'node:fs';
import type { Command } from 'commander';
import { exportBundle, importBundle, FolderSync, Station } from '../../index.js';
import { printResult } from '../output.js';
import { callList, defaultHome, HOME_HELP } from '../options.js';

export function registerBundleCommands(program: Command): void {
  program
    .command('export')
    .description('write what the given stations have not acknowledged (rows and files), plus receipts, to a bundle file')
    .requiredOption('--to <CALLS>', 'addressees, comma-separated callsigns', callList)
    .requiredOption('--out <FILE>', 'bundle file to write')
    .option('--home <DIR>', HOME_HELP, defaultHome())
    .option('--json', 'print JSON')
    .action(async (o: { to: string[]; out: string; home: string; json?: boolean }) => {
      const st = Station.open(o.home);
      const folders = FolderSync.open(st);
      try {
        await folders.capture();
        const r = exportBundle(st, o.to, folders);
        const tmp = `${o.out}.part`;
        writeFileSync(tmp, r.bytes);
        renameSync(tmp, o.out);
        printResult(o, `wrote ${o.out}: ${r.rows} row changes for ${r.to.join(',')}, ${r.bytes.length} bytes`, { file: o.out, bytes: r.bytes.length, rows: r.rows, to: r.to, receipts: r.receipts });
      } finally {
        folders.close();
        st.close();
      }
    });

  program
    .command('import <FILE>')
    .description('apply a bundle (idempotent: importing it again changes nothing)')
    .option('--home <DIR>', HOME_HELP, defaultHome())
    .option('--ack-out <FILE>', 'also write a bundle with this station\'s receipt (and its own changes) back to the sender')
    .option('--json', 'print JSON')
    .action(async (file: string, o: { home: string; ackOut?: string; json?: boolean }) => {
      const st = Station.open(o.home);
      const folders = FolderSync.open(st);
      try {
        const r = await importBundle(st, new Uint8Array(readFileSync(file)), folders);
        let ack: number | undefined;
        if (o.ackOut !== undefined && st.isTrusted(r.from)) {
          await folders.capture();
          const back = exportBundle(st, [r.from], folders);
          writeFileSync(o.ackOut, back.bytes);
          ack = back.bytes.length;
        }
        printResult(
          o,
          [
            `imported ${file} from ${r.from}: ${r.changesets} changeset(s)${r.duplicates ? ` (${r.duplicates} already applied)` : ''}, ${r.rowsApplied} row changes applied, ${r.files ?? 0} files written or removed, ${r.conflicts} conflicts recorded, ${r.receipts} receipt(s)`,
            ...r.skipped.map((s) => `  skipped a ${s.kind}: ${s.message} [${s.code}]`),
            ...(ack !== undefined ? [`wrote ${o.ackOut} (${ack} bytes) for ${r.from}`] : []),
          ],
          { ...r, ackOut: o.ackOut ?? null },
        );
      } finally {
        folders.close();
        st.close();
      }
    });
}
