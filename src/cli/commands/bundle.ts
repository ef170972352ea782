/** `export` and `import`: the same changesets as on air, in bundle files for a USB stick or email. */
import { openSync, closeSync, writeFileSync, renameSync } from 'node:fs';
import type { Command } from 'commander';
import { exportBundle, importBundleFile, importOutcome, partNames, formatVerdict, FolderSync, Station, MIN_PART_BYTES, makeError, BUNDLE_ERRORS } from '../../index.js';
import { printResult, reportOutcome } from '../output.js';
import { callList, defaultHome, HOME_HELP, intArg } from '../options.js';

function writeAtomic(file: string, bytes: Uint8Array): void {
  const tmp = `${file}.part`;
  writeFileSync(tmp, bytes);
  renameSync(tmp, file);
}

/** The bundle file can be read (import then streams it, one item at a time). */
function checkInput(file: string): void {
  try {
    closeSync(openSync(file, 'r'));
  } catch (e) {
    const code = (e as { code?: string }).code;
    throw makeError(BUNDLE_ERRORS, 'RS_ERR_BUNDLE_NOT_FOUND', `cannot read ${file}: ${code === 'ENOENT' ? 'no such file' : code ?? String(e)}`, { file, code }, e);
  }
}

export function registerBundleCommands(program: Command): void {
  program
    .command('export')
    .description('write everything the given stations lack (rows and files), plus receipts, to a bundle file (or numbered parts)')
    .requiredOption('--to <CALLS>', 'addressees, comma-separated callsigns', callList)
    .requiredOption('--out <FILE>', 'bundle file to write (split exports: FILE.1-of-N …)')
    .option('--max-bytes <N>', `split into numbered bundles of at most N bytes (≥ ${MIN_PART_BYTES}), e.g. for email`, intArg('max-bytes', 1, 256 * 1024 * 1024))
    .option('--home <DIR>', HOME_HELP, defaultHome())
    .option('--json', 'print JSON')
    .action(async (o: { to: string[]; out: string; maxBytes?: number; home: string; json?: boolean }) => {
      const st = Station.open(o.home);
      const folders = FolderSync.open(st);
      try {
        await folders.capture();
        const r = exportBundle(st, o.to, folders, o.maxBytes !== undefined ? { maxBytes: o.maxBytes } : {});
        const names = partNames(o.out, r.parts.length);
        r.parts.forEach((b, i) => writeAtomic(names[i]!, b));
        const total = r.parts.reduce((n, b) => n + b.length, 0);
        const left = r.remaining.rows + r.remaining.files;
        printResult(
          o,
          [
            `wrote ${names.length === 1 ? names[0] : `${names.length} parts: ${names.join(', ')}`}: ${r.rows} row changes and ${r.chunks} chunks (${r.chunkBytes} B of file content) in ${r.changesets} changeset(s) for ${r.to.join(',')}, ${total} bytes`,
            left === 0 ? 'remaining: nothing (everything this station holds for them is in the bundle)' : `remaining: ${r.remaining.rows} rows and ${r.remaining.files} file rows could not be added (held out of order here): export again after the next sync`,
          ],
          { files: names, bytes: total, rows: r.rows, chunks: r.chunks, chunkBytes: r.chunkBytes, changesets: r.changesets, to: r.to, receipts: r.receipts, remaining: r.remaining },
        );
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
      checkInput(file);
      const st = Station.open(o.home);
      const folders = FolderSync.open(st);
      try {
        const r = await importBundleFile(st, file, folders);
        let ack: number | undefined;
        if (o.ackOut !== undefined && st.isTrusted(r.from)) {
          await folders.capture();
          const back = exportBundle(st, [r.from], folders);
          const names = partNames(o.ackOut, back.parts.length);
          back.parts.forEach((b, i) => writeAtomic(names[i]!, b));
          ack = back.parts.reduce((n, b) => n + b.length, 0);
        }
        const outcome = importOutcome(r);
        printResult(
          o,
          [
            `imported ${file} from ${r.from} (part ${r.part} of ${r.parts}): ${r.changesets} changeset(s)${r.duplicates ? ` (${r.duplicates} already applied)` : ''}, ${r.rowsApplied} row changes applied, ${r.files ?? 0} files written or removed, ${r.conflicts} field conflicts recorded, ${r.conflictCopies ?? 0} conflict copies written, ${r.receipts} receipt(s)`,
            ...(r.filesPending ? [`  ${r.filesPending} file(s) wait for chunks still to come`] : []),
            ...r.skipped.map((s) => `  skipped a ${s.kind}: ${s.message} [${s.code}]`),
            ...(r.refused > 0 ? [`  ${r.refused} row change(s) refused (see \`radiosync status\`)`] : []),
            `  ${r.from}: ${r.verdict ? formatVerdict(r.verdict) : 'unknown (not a trusted peer)'}`,
            ...(ack !== undefined ? [`wrote ${o.ackOut} (${ack} bytes) for ${r.from}`] : []),
          ],
          { ...r, ackOut: o.ackOut ?? null, exit: outcome.exit, outcome: outcome.code ?? null },
        );
        reportOutcome(outcome, o.json === true);
      } finally {
        folders.close();
        st.close();
      }
    });
}
