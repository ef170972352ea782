/**
 * Boilerplate for a scenario process run by netns.ts: runs `main`, prints one `RESULT <json>` line,
 * and on SIGTERM/SIGINT (the caller's timeout) runs the registered cleanups (harness.stop) first.
 */
import { RESULT_PREFIX } from './netns.js';

const cleanups: Array<() => Promise<void>> = [];

/** Registers a cleanup (e.g. `harness.stop`) that runs on exit, error or SIGTERM. */
export function onCleanup(fn: () => Promise<void>): void {
  cleanups.push(fn);
}

async function cleanupAll(): Promise<void> {
  while (cleanups.length > 0) {
    const fn = cleanups.pop()!;
    try {
      await fn();
    } catch (err) {
      process.stderr.write(`cleanup failed: ${(err as Error).message}\n`);
    }
  }
}

export function runScenario<T>(main: () => Promise<T>): void {
  const onSignal = () => {
    process.stdout.write(`${RESULT_PREFIX}${JSON.stringify({ error: 'scenario interrupted (timeout)' })}\n`);
    void cleanupAll().then(() => process.exit(2));
  };
  process.once('SIGTERM', onSignal);
  process.once('SIGINT', onSignal);
  main().then(
    async (result) => {
      await cleanupAll();
      process.stdout.write(`${RESULT_PREFIX}${JSON.stringify(result)}\n`);
      process.exit(0);
    },
    async (err: unknown) => {
      await cleanupAll();
      const e = err as Error;
      process.stdout.write(`${RESULT_PREFIX}${JSON.stringify({ error: e?.message ?? String(err) })}\n`);
      process.stderr.write(`${e?.stack ?? String(err)}\n`);
      process.exit(1);
    },
  );
}
