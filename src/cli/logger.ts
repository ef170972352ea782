/** Structured logs (pino) on stderr; silent unless --verbose. */
import { pino, type Logger } from 'pino';

export function createLogger(verbose: boolean): Logger {
  return pino({ level: verbose ? 'debug' : 'silent', base: { app: 'radiosync' } }, pino.destination(2));
}
