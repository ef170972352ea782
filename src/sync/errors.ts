import { EXIT, type ErrorCatalog } from '../errors/RadiosyncError.js';

export const SYNC_ERRORS = {
  RS_ERR_SYNC_NOT_ADDRESSED: { exit: EXIT.DATA, description: 'A changeset or acknowledgement is addressed to other stations; it was not applied here.' },
  RS_ERR_SYNC_ACK_MALFORMED: { exit: EXIT.DATA, description: 'An acknowledgement item is badly formed; it was ignored.' },
  RS_ERR_SYNC_INCOMPLETE: { exit: EXIT.INCOMPLETE, description: 'The session ended before everything sent was acknowledged; what is left stays queued for the next session.' },
  RS_ERR_SYNC_NO_ANSWER: { exit: EXIT.UNAVAILABLE, description: 'Nothing at all was heard from the TNC during the session: check that the TNC is in KISS mode and keys the radio, the frequency, and that the peer is listening. What was sent stays queued.' },
  RS_ERR_SYNC_DIFFERS: { exit: EXIT.INCOMPLETE, description: 'Partly delivered: what was sent was acknowledged, but the two state digests still differ (N rows, M files): more remains to go (run sync or export again), or the peer holds changes this station lacks.' },
  RS_ERR_SYNC_WAITING: { exit: EXIT.INCOMPLETE, description: 'Delivered and held, and the digests agree, but some rows held here are not in the application\'s tables yet: each waits (is parked) for a parent row or a value it needs, for example a row of a table that is not synced and is empty here. `radiosync status` lists them with the reason; they are written as soon as what they wait for is here (by sync, or written by the application).' },
  RS_ERR_SYNC_NOTHING_APPLIED: { exit: EXIT.NOTHING_APPLIED, description: 'Nothing was applied: every changeset was for another station or signed by a station that is not a trusted peer (see the skipped items).' },
  RS_ERR_SYNC_PEER_SILENT: { exit: EXIT.UNAVAILABLE, description: 'The peer did not answer: the channel was heard but the peer sent nothing for this session before the deadline (its sync request and receipts were repeated with back-off). What was sent stays queued.' },
  RS_ERR_SYNC_PART_TOO_SMALL: { exit: EXIT.USAGE, description: '`export --max-bytes` is below MIN_PART_BYTES (64 KiB), or one changeset of a single row does not fit in it.' },
  RS_ERR_SYNC_NO_PEERS: { exit: EXIT.USAGE, description: 'No destination station was given (--to / --with).' },
} as const satisfies ErrorCatalog;

export type SyncErrorCode = keyof typeof SYNC_ERRORS;
