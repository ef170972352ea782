/** Shorthands that build this layer's typed errors (see errors.ts). */
import { makeError, type RadiosyncError } from '../errors/RadiosyncError.js';
import { CHANGESET_ERRORS } from './errors.js';

export function corrupt(message: string, data: Record<string, unknown> = {}): RadiosyncError {
  return makeError(CHANGESET_ERRORS, 'RS_ERR_CHANGESET_CORRUPT', `corrupt changeset: ${message}`, data);
}

export function tooLarge(limit: string, max: number, actual: number): RadiosyncError {
  return makeError(
    CHANGESET_ERRORS,
    'RS_ERR_CHANGESET_TOO_LARGE',
    `changeset exceeds ${limit} (${actual} > ${max})`,
    { limit, max, actual },
  );
}

export function invalid(message: string, data: Record<string, unknown> = {}): RadiosyncError {
  return makeError(CHANGESET_ERRORS, 'RS_ERR_CHANGESET_INVALID', `invalid changeset: ${message}`, data);
}
