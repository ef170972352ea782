/** `export` and `import`: the same changesets as on air, in bundle files for a USB stick or email. */
import { openSync, closeSync, writeFileSync, writeSync, renameSync, rmSync, fsyncSync } from 'node:fs';
import { InvalidArgumentError, type Command } from 'commander';
import { exportBundle, importBundleFile, importOutcome, partNames, formatVerdict, FolderSync, Station, MIN_PART_BYTES, makeError, BUNDLE_ERRORS, exportRangeFromText } from '../../index.js';
import { printResult, reportOutcome } from '../output.js';
import { callList, defaultHome, HOME_HELP, intArg } from '../options.js';

interface ExportArgs {
  to?: string[];
  out?: string;
  maxBytes?: number;
  since?: string;
  until?: string;
  seq?: string;
  origin?: string;
  tables?: string[];
  home: string;
  json?: boolean;
}

function tableList(v: string): string[] {
  const names = v.split(',').map((s) => s.trim());
  if (names.some((n) => n === '')) throw new InvalidArgumentError(`"tables" must be comma-separated table names: ${v}`);
  return names;
}

/** Write all of `text` to `fd`, waiting out EAGAIN (stdout may be a non-blocking pipe). */
function writeAll(fd: number, text: string): void {
  let buf = Buffer.from(text);
  while (buf.length > 0) {
    try {
      buf = buf.subarray(writeSync(fd, buf));
    } catch (e) {
      if ((e as { code?: string }).code !== 'EAGAIN') throw e;
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 5);
    }
  }
}

/** `export --json` without --to: the open JSON export, to --out (atomically) or stdout, one change per line. */
function jsonExport(o: ExportArgs): void {
  const st = Station.open(o.home);
  try {
    const range = exportRangeFromText(
      {
        ...(o.since !== undefined ? { since: o.since } : {}),
        ...(o.until !== undefined ? { until: o.until } : {}),
        ...(o.seq !== undefined ? { seq: o.seq } : {}),
        ...(o.origin !== undefined ? { origin: o.origin } : {}),
        ...(o.tables !== undefined ? { tables: o.tables } : {}),
      },
      st.callsign,
    );
    if (o.out === undefined) {
      st.records.writeChangesJson(range, (t) => writeAll(1, t));
      return;
    }
    const tmp = `${o.out}.part`;
    const fd = openSync(tmp, 'w');
    let n: number;
    try {
      n = st.records.writeChangesJson(range, (t) => writeAll(fd, t));
      fsyncSync(fd);
    } catch (e) {
      closeSync(fd);
      rmSync(tmp, { force: true });
      throw e;
    }
    closeSync(fd);
    renameSync(tmp, o.out);
    process.stdout.write(`wrote ${o.out}: ${n} row change(s)\n`);
  } finally {
    st.close();
  }
}

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
    .description('write everything the given stations lack (rows and files), plus receipts, to a bundle file (or numbered parts); or, with --json and no --to, the held row changes as open JSON for another system')
    .option('--to <CALLS>', 'bundle: addressees, comma-separated callsigns', callList)
    .option('--out <FILE>', 'bundle file to write (split exports: FILE.1-of-N …); with --json and no --to: the JSON file (default stdout)')
    .option('--max-bytes <N>', `split into numbered bundles of at most N bytes (≥ ${MIN_PART_BYTES}), e.g. for email`, intArg('max-bytes', 1, 256 * 1024 * 1024))
    .option('--since <DATE>', 'JSON export: changes stamped at or after DATE (ISO 8601: 2026-12-01, 2026-12-01T10:00Z)')
    .option('--until <DATE>', 'JSON export: changes stamped at or before DATE (a bare date: to the end of that day, UTC)')
    .option('--seq <FROM..TO>', 'JSON export: seqs FROM..TO (or FROM..) of one origin (--origin, default this station)')
    .option('--origin <CALL>', 'JSON export: only changes made at this station', (v: string) => callList(v)[0]!)
    .option('--tables <NAMES>', 'JSON export: only these tables, comma-separated', tableList)
    .option('--home <DIR>', HOME_HELP, defaultHome())
    .option('--json', 'bundle: print the summary as JSON; without --to: write the open JSON export')
    .action(async function (this: Command, o: ExportArgs) {
      const ranged = (['since', 'until', 'seq', 'origin', 'tables'] as const).filter((k) => o[k] !== undefined);
      if (o.to === undefined) {
        if (o.json !== true) this.error('give --to CALLS (a bundle for those stations) or --json (the open JSON export of row changes)', { exitCode: 64 });
        if (o.maxBytes !== undefined) this.error('--max-bytes splits a bundle: it needs --to', { exitCode: 64 });
        jsonExport(o);
        return;
      }
      if (ranged.length > 0) this.error(`--${ranged[0]} selects rows for the JSON export (--json without --to); a bundle always carries everything the stations lack`, { exitCode: 64 });
      if (o.out === undefined) this.error("required option '--out <FILE>' not specified", { exitCode: 64 });
      const out = o.out!;
      const to = o.to;
      const st = Station.open(o.home);
      const folders = FolderSync.open(st);
      try {
        await folders.capture();
        const r = exportBundle(st, to, folders, o.maxBytes !== undefined ? { maxBytes: o.maxBytes } : {});
        const names = partNames(out, r.parts.length);
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
