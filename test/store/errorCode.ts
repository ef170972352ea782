import { isRadiosyncError } from '../../src/errors/RadiosyncError.js';

/** The stable code `fn` throws, or 'no error' (anything that is not a RadiosyncError is rethrown). */
export function errorCodeOf(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    if (isRadiosyncError(e)) return e.code;
    throw e;
  }
  return 'no error';
}
