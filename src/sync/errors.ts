import { EXIT, type ErrorCatalog } from '../errors/RadiosyncError.js';

export const SYNC_ERRORS = {
  RS_ERR_SYNC_NOT_ADDRESSED: { exit: EXIT.DATA, description: 'A changeset or acknowledgement is addressed to other stations; it was not applied here.' },
  RS_ERR_SYNC_ACK_MALFORMED: { exit: EXIT.DATA, description: 'An acknowledgement item is badly formed; it was ignored.' },
  RS_ERR_SYNC_INCOMPLETE: { exit: EXIT.INCOMPLETE, description: 'The session ended before everything sent was acknowledged; what is left stays queued for the next session.' },
  RS_ERR_SYNC_NO_ANSWER: { exit: EXIT.UNAVAILABLE, description: 'Nothing at all was heard from the TNC during the session: check that the TNC is in KISS mode and keys the radio, the frequency, and that the peer is listening. What was sent stays queued.' },
  RS_ERR_SYNC_NO_PEERS: { exit: EXIT.USAGE, description: 'No destination station was given (--to / --with).' },
} as const satisfies ErrorCatalog;

export type SyncErrorCode = keyof typeof SYNC_ERRORS;
