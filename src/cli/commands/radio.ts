/** Placeholder replaced below. */
import type { Command } from 'commander';
export function registerRadioCommands(_program: Command): void {}
