/**
 * Structured logs (pino, JSON lines) on stderr; silent unless --verbose.
 *
 * Bounded: at most `limits.log_bytes_per_hour` bytes are written in any clock hour (an outsider
 * who can make radiosync log — junk frames — cannot fill the disk); lines over the limit are
 * dropped and counted, and one line says how many when the next hour starts.
 */
import { Writable } from 'node:stream';
import { pino, type Logger } from 'pino';

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
