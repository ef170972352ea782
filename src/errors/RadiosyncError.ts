/**
 * The one error class of radiosync. Every failure a caller can act on carries a stable `code`
 * (match on it, never on the message), structured `data`, and the CLI exit code it maps to.
 *
 * Codes are declared per layer in `src/<layer>/errors.ts` as an {@link ErrorCatalog}, and
 * docs/errors.md lists every one (a test checks the two agree).
 */
export interface ErrorSpec {
  /** CLI exit code when this error ends a command (see docs/errors.md). */
  readonly exit: number;
  /** One line for docs/errors.md: what happened and what to do about it. */
  readonly description: string;
}

export type ErrorCatalog = Readonly<Record<string, ErrorSpec>>;

/** Exit codes shared by every command (sysexits.h where one fits). */
export const EXIT = {
  OK: 0,
  /** Ran, but not everything was delivered and applied, or the two digests still differ. */
  INCOMPLETE: 1,
  /** Nothing was applied: every item was for another station, or from an unknown signer. */
  NOTHING_APPLIED: 3,
  /** Bad command-line arguments. */
  USAGE: 64,
  /** Bad input data: a corrupt frame, bundle or changeset. */
  DATA: 65,
  /** A named input (file, station, peer) does not exist. */
  NO_INPUT: 66,
  /** A service is unavailable: no serial port, TNC not answering. */
  UNAVAILABLE: 69,
  /** Internal error: a bug. */
  SOFTWARE: 70,
  /** The disk is full (ENOSPC, SQLITE_FULL): nothing half-written was kept; free space and run again. */
  NO_SPACE: 73,
  /** I/O error on a file or port. */
  IO: 74,
  /** Try again later: budget exhausted, outside a window, port busy. */
  TEMPFAIL: 75,
  /** Bad configuration. */
  CONFIG: 78,
} as const;

export class RadiosyncError extends Error {
  readonly code: string;
  readonly data: Readonly<Record<string, unknown>>;
  readonly exit: number;

  constructor(
    code: string,
    message: string,
    data: Record<string, unknown> = {},
    options: { exit?: number; cause?: unknown } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'RadiosyncError';
    this.code = code;
    this.data = data;
    this.exit = options.exit ?? EXIT.SOFTWARE;
  }

  toJSON(): { name: string; code: string; message: string; data: Readonly<Record<string, unknown>> } {
    return { name: this.name, code: this.code, message: this.message, data: this.data };
  }
}

/**
 * Build a typed error from a layer's catalog, so the exit code always comes from one place. The
 * catalogs are declared `as const satisfies ErrorCatalog`, so a code that is not in the catalog is
 * a compile error.
 */
export function makeError<C extends ErrorCatalog>(
  catalog: C,
  code: Extract<keyof C, string>,
  message: string,
  data: Record<string, unknown> = {},
  cause?: unknown,
): RadiosyncError {
  const spec = catalog[code];
  if (spec === undefined) throw new Error(`unknown error code ${code}`);
  return new RadiosyncError(code, message, data, { exit: spec.exit, cause });
}

export function isRadiosyncError(e: unknown, code?: string): e is RadiosyncError {
  return e instanceof RadiosyncError && (code === undefined || e.code === code);
}
