/**
 * Structured logs (pino, JSON lines) on stderr; silent unless --verbose.
 *
 * Bounded: at most `limits.log_bytes_per_hour` bytes are written in any clock hour (an outsider
 * who can make radiosync log — junk frames — cannot fill the disk); lines over the limit are
 * dropped and counted, and one line says how many when the next hour starts.
 *
 * The daemon also logs (level info, always) to `<home>/logs/radiosync.<n>.log`, rotated by size
 * with pino-roll: at most {@link DAEMON_LOG_FILES} files of {@link DAEMON_LOG_FILE_BYTES} besides
 * the current one, so an operator can read in the morning what happened overnight and the disk
 * holds at most (files + 1) × size.
 */
import { Writable } from 'node:stream';
import { join } from 'node:path';
import { pino, type Logger } from 'pino';
import pinoRoll from 'pino-roll';

export const DEFAULT_LOG_BYTES_PER_HOUR = 10 * 1024 * 1024;

export function boundedStderr(
  maxBytesPerHour: number,
  now: () => number = Date.now,
  sink: (chunk: Buffer | string) => void = (c) => void process.stderr.write(c),
): Writable {
  let hour = Math.floor(now() / 3_600_000);
  let used = 0;
  let dropped = 0;
  return new Writable({
    write(chunk: Buffer, _enc, done) {
      const h = Math.floor(now() / 3_600_000);
      if (h !== hour) {
        if (dropped > 0) sink(JSON.stringify({ level: 40, msg: 'log lines dropped over the hourly limit', dropped }) + '\n');
        hour = h;
        used = 0;
        dropped = 0;
      }
      if (used + chunk.length > maxBytesPerHour) dropped++;
      else {
        used += chunk.length;
        sink(chunk);
      }
      done();
    },
  });
}

export function createLogger(verbose: boolean, maxBytesPerHour = DEFAULT_LOG_BYTES_PER_HOUR): Logger {
  return pino({ level: verbose ? 'debug' : 'silent', base: { app: 'radiosync' } }, boundedStderr(maxBytesPerHour));
}

/** Size at which the daemon's log file rolls over to the next: 10 MiB. */
export const DAEMON_LOG_FILE_BYTES = 10 * 1024 * 1024;
/** Rolled-over daemon log files kept besides the current one: 5 (at most 60 MiB on disk). */
export const DAEMON_LOG_FILES = 5;

/** The daemon's log directory in a station home. */
export function daemonLogDir(home: string): string {
  return join(home, 'logs');
}

/**
 * The daemon's logger: info and above to the rotated file in the station home, and to stderr as
 * {@link createLogger} does (debug with --verbose, else nothing). `flush()` before exit.
 */
export async function createDaemonLogger(
  home: string,
  verbose: boolean,
  maxBytesPerHour = DEFAULT_LOG_BYTES_PER_HOUR,
  fileBytes = DAEMON_LOG_FILE_BYTES,
): Promise<{ logger: Logger; file: string; close: () => Promise<void> }> {
  const file = join(daemonLogDir(home), 'radiosync.log');
  const roll = await pinoRoll({ file, size: `${Math.max(1, Math.ceil(fileBytes / 1024))}k`, limit: { count: DAEMON_LOG_FILES }, mkdir: true });
  const streams: pino.StreamEntry[] = [{ level: 'info', stream: roll }];
  if (verbose) streams.push({ level: 'debug', stream: boundedStderr(maxBytesPerHour) });
  const logger = pino({ level: verbose ? 'debug' : 'info', base: { app: 'radiosync' } }, pino.multistream(streams));
  return {
    logger,
    file,
    close: () =>
      new Promise<void>((resolve) => {
        roll.flush(() => {
          roll.end();
          resolve();
        });
      }),
  };
}
