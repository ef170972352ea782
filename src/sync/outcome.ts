/**
 * What a session or an import means for the operator, as one exit code (docs/cli.md, "Exit codes"):
 *
 *   0   everything addressed was delivered and applied, the two digests agree, and no row held
 *       here waits to be written to the application's tables
 *   1   partly delivered: something is still queued or missing, the digests still differ, or rows
 *       held here wait (parked: a parent row or a value they need is not here)
 *   3   nothing applied: every item was for another station or from an unknown signer
 *   69  the peer did not answer (nothing from it before the deadline)
 *
 * The library decides; the CLI only prints the message and exits with the code.
 */
import { EXIT } from '../errors/RadiosyncError.js';
import type { SessionResult } from './sessions.js';
import type { ImportResult } from './bundleImport.js';
import { formatVerdict } from './stateDigest.js';

export interface Outcome {
  exit: number;
  /** The error code that names the outcome (undefined for success). */
  code?: string;
  message: string;
}

/**
 * Success, unless rows held here are not in the application's tables: then the logs agree but the
 * user's tables do not hold the data yet, so this is not "done".
 */
function done(message: string, waiting: number | undefined): Outcome {
  if (waiting === undefined || waiting === 0) return { exit: EXIT.OK, message };
  return {
    exit: EXIT.INCOMPLETE,
    code: 'RS_ERR_SYNC_WAITING',
    message: `${message}, but ${waiting} row(s) held here are not in the application's tables yet: each waits for a parent row or a value it needs (\`radiosync status\` lists them and why); they are written as soon as that is here`,
  };
}

export function sessionOutcome(r: SessionResult): Outcome {
  // `send` delivers: what waits here is not its business (it says so in `status`)
  if (r.ok) return done(`${r.kind} complete: ${describeVerdicts(r)}`, r.kind === 'send' ? 0 : r.waiting);
  const silent = r.kind !== 'receive' && r.peers.length > 0 && r.peers.every((p) => !r.heard.includes(p));
  if (silent) {
    return { exit: EXIT.UNAVAILABLE, code: 'RS_ERR_SYNC_PEER_SILENT', message: `${r.peers.join(',')} did not answer in ${Math.round(r.durationMs / 1000)} s; what was not acknowledged stays queued` };
  }
  if (r.received.refused > 0 && r.received.changesets === 0 && r.sent.acknowledged === 0) {
    return { exit: EXIT.NOTHING_APPLIED, code: 'RS_ERR_SYNC_NOTHING_APPLIED', message: `nothing applied: ${r.received.refused} changeset(s) refused (not for this station, or from an unknown signer)` };
  }
  const differs = Object.values(r.verdicts).some((v) => v.state !== 'in sync');
  const incomplete = r.timedOut || r.failed > 0 || r.sent.acknowledged < r.sent.transfers;
  if (!incomplete && differs) return { exit: EXIT.INCOMPLETE, code: 'RS_ERR_SYNC_DIFFERS', message: `partly delivered: ${describeVerdicts(r)}` };
  return {
    exit: EXIT.INCOMPLETE,
    code: 'RS_ERR_SYNC_INCOMPLETE',
    message: `partly delivered: ${r.sent.acknowledged} of ${r.sent.transfers} transfer(s) acknowledged${r.failed ? `, ${r.failed} given up (parked)` : ''}${r.timedOut ? ', timed out' : ''}; ${describeVerdicts(r)}`,
  };
}

function describeVerdicts(r: SessionResult): string {
  const e = Object.entries(r.verdicts);
  return e.length === 0 ? 'no peer digest' : e.map(([p, v]) => `${p} ${formatVerdict(v)}`).join('; ');
}

export function importOutcome(r: ImportResult): Outcome {
  if (r.changesets === 0 && r.receipts === 0 && r.skipped.length > 0) {
    return { exit: EXIT.NOTHING_APPLIED, code: 'RS_ERR_SYNC_NOTHING_APPLIED', message: `nothing applied: ${r.skipped.map((s) => s.code).join(', ')}` };
  }
  const missingParts = r.parts - r.partsImported;
  if (missingParts > 0) return { exit: EXIT.INCOMPLETE, code: 'RS_ERR_SYNC_INCOMPLETE', message: `partly delivered: part ${r.part} of ${r.parts}; ${missingParts} part(s) of this export not imported yet` };
  if (r.skipped.length > 0) return { exit: EXIT.INCOMPLETE, code: 'RS_ERR_SYNC_INCOMPLETE', message: `partly delivered: ${r.skipped.length} item(s) skipped` };
  if (r.holdsAllOfSender === false) {
    return { exit: EXIT.INCOMPLETE, code: 'RS_ERR_SYNC_DIFFERS', message: `partly delivered: this station still lacks some of what ${r.from} holds (${r.filesPending ?? 0} file(s) waiting for chunks); ${r.verdict ? formatVerdict(r.verdict) : ''}` };
  }
  return done(r.verdict ? formatVerdict(r.verdict) : 'applied', r.waiting);
}

/** An online sync (src/sync/onlineExchange.ts): 0 in sync, 1 when the digests still differ or something was refused. */
export function onlineOutcome(r: import('./onlineExchange.js').OnlineResult): Outcome {
  if (r.ok) return done(`online sync complete: ${r.peer} ${formatVerdict(r.verdict)}`, r.waiting);
  if (r.received.refused > 0 && r.received.changesets === 0 && r.sent.acknowledged === 0) {
    return { exit: EXIT.NOTHING_APPLIED, code: 'RS_ERR_SYNC_NOTHING_APPLIED', message: `nothing applied: ${r.received.refused} changeset(s) refused` };
  }
  if (r.sent.acknowledged < r.sent.changesets) return { exit: EXIT.INCOMPLETE, code: 'RS_ERR_SYNC_INCOMPLETE', message: `partly delivered: ${r.sent.acknowledged} of ${r.sent.changesets} changeset(s) applied by ${r.peer}` };
  return { exit: EXIT.INCOMPLETE, code: 'RS_ERR_SYNC_DIFFERS', message: `partly delivered: ${r.peer} ${formatVerdict(r.verdict)}` };
}
