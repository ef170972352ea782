#!/usr/bin/env node
/**
 * The `radiosync` command line: commander adapters over the public API (src/index.ts).
 * Each command lives in src/cli/commands/<name>.ts and registers itself here.
 * Exit codes: docs/errors.md. Command forms: docs/cli.md.
 */
import './heap.js'; // first: the heap policy applies to everything below
import { Command, CommanderError } from 'commander';
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

export function buildProgram(): Command {
  const program = new Command('radiosync')
    .description('Store-and-forward sync of databases and folders over packet radio (KISS/AX.25), USB stick or email')
    .version('0.1.0')
    .showHelpAfterError('(run with --help for usage)')
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
  for (const c of program.commands) c.exitOverride();
  return program;
}

export async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  const json = argv.includes('--json');
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
