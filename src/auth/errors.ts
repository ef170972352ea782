import { EXIT, type ErrorCatalog } from '../errors/RadiosyncError.js';

export const AUTH_ERRORS = {
  RS_ERR_AUTH_MALFORMED: { exit: EXIT.DATA, description: 'A signed envelope or receipt is cut short or badly formed; it was dropped.' },
  RS_ERR_AUTH_UNKNOWN_SIGNER: { exit: EXIT.DATA, description: 'Data signed by a station that is not a trusted peer; it was dropped. Add the station with `radiosync peer add` if you trust it.' },
  RS_ERR_AUTH_BAD_SIGNATURE: { exit: EXIT.DATA, description: 'A signature or MAC did not verify (forged or damaged); the data was dropped and nothing changed.' },
} as const satisfies ErrorCatalog;

export type AuthErrorCode = keyof typeof AUTH_ERRORS;
