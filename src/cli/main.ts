#!/usr/bin/env node
/**
 * The `radiosync` command line: commander adapters over the public API (src/index.ts).
 * Each command lives in src/cli/commands/<name>.ts and registers itself here.
 * Exit codes: docs/errors.md. Command forms: docs/cli.md.
 */
import './heap.js'; // first: the heap policy applies to everything below
import { Command, CommanderError, type OutputConfiguration } from 'commander';
import { EXIT } from '../index.js';
import { reportError } from './output.js';
import { registerStationCommands } from './commands/station.js';
import { registerBundleCommands } from './commands/bundle.js';
import { registerDaemonCommand, registerRadioCommands } from './commands/radio.js';
import { registerDemoCommand } from './commands/demo.js';
import { registerSimCommand } from './commands/sim.js';
import { registerStatusCommand } from './commands/status.js';
import { registerDiffCommand } from './commands/diff.js';
import { registerConflictsCommands } from './commands/conflicts.js';
import { registerServeCommand } from './commands/online.js';

/**
 * Commander's own errors (unknown option, missing argument…) in radiosync's form: one line
 * `radiosync: <message> [RS_ERR_USAGE]` on stderr, or `{"error": …}` JSON with --json, exit 64.
 */
function usageOutput(json: boolean): OutputConfiguration {
  return {
    outputError: (str: string, write: (s: string) => void) => {
      const message = str.replace(/^error:\s*/i, '').trim();
      if (json) write(JSON.stringify({ error: { name: 'RadiosyncError', code: 'RS_ERR_USAGE', message, exit: EXIT.USAGE } }) + '\n');
      else write(`radiosync: ${message} [RS_ERR_USAGE]\n`);
    },
  };
}

export function buildProgram(opts: { json?: boolean } = {}): Command {
  const program = new Command('radiosync')
    .description('Store-and-forward sync of databases and folders over packet radio (KISS/AX.25), USB stick or email')
    .version('0.1.0')
    .showHelpAfterError(opts.json === true ? false : '(run with --help for usage)')
    .configureOutput(usageOutput(opts.json === true))
    .exitOverride();
  registerStationCommands(program);
  registerStatusCommand(program);
  registerRadioCommands(program);
  registerDaemonCommand(program);
  registerServeCommand(program);
  registerBundleCommands(program);
  registerDiffCommand(program);
  registerConflictsCommands(program);
  registerSimCommand(program);
  registerDemoCommand(program);
  for (const c of program.commands) {
    c.exitOverride();
    c.configureOutput(usageOutput(opts.json === true));
    // subcommands of subcommands (peer add, conflicts resolve…)
    for (const d of c.commands) d.exitOverride().configureOutput(usageOutput(opts.json === true));
  }
  return program;
}

export async function main(argv: string[]): Promise<number> {
  const json = argv.includes('--json');
  const program = buildProgram({ json });
  try {
    await program.parseAsync(argv);
    return typeof process.exitCode === 'number' ? process.exitCode : EXIT.OK;
  } catch (e) {
    if (e instanceof CommanderError) {
      if (e.code === 'commander.helpDisplayed' || e.code === 'commander.version' || e.code === 'commander.help') return EXIT.OK;
      return EXIT.USAGE;
    }
    return reportError(e, json);
  }
}

const invoked = process.argv[1] ?? '';
if (invoked.endsWith('main.js') || invoked.endsWith('main.ts') || invoked.endsWith('radiosync')) {
  main(process.argv).then(
    (code) => {
      process.exitCode = code;
    },
    (e: unknown) => {
      process.exitCode = reportError(e, false);
    },
  );
}
