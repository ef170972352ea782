/**
 * Named `node:diagnostics_channel` events of the link, the TNC driver and the sync layer, all in one
 * place (the folder layer's are in src/files/diagnostics.ts, the simulator's in src/sim/RadioChannel.ts).
 * A message is built and published only while someone subscribes:
 *
 *   import { subscribe } from 'node:diagnostics_channel';
 *   subscribe(DIAGNOSTICS.tnc.frameOut, (m) => console.log(m));
 *
 * TNC (src/tnc/KissTnc.ts), `transport` is the transport's name:
 * - `radiosync:tnc:frame-in`        { transport, port, bytes }   a KISS data frame from the TNC
 * - `radiosync:tnc:frame-out`       { transport, port, bytes }   a frame written to the TNC
 * - `radiosync:tnc:listener-error`  { transport, error }         a frame listener threw (the frame
 *                                                                still reached the other listeners)
 * Sync (src/sync/StationRuntime.ts), each with `station` (this station's callsign) and the fields
 * of the runtime's event of the same name:
 * - `radiosync:sync:heard`          { station, from, radiosync }
 * - `radiosync:sync:applied`        { station, result }           a changeset applied
 * - `radiosync:sync:refused`        { station, from, code, message }
 * - `radiosync:sync:files`          { station, from, report }     folder changes written
 * - `radiosync:sync:queued`         { station, info }             a changeset queued (session, daemon, or an answer)
 * - `radiosync:sync:acknowledged`   { station, peer, info }
 * - `radiosync:sync:failed`         { station, event }
 * - `radiosync:sync:digest`         { station, from, inSync }     a peer's state digest compared
 * - `radiosync:sync:answered`       { station, from }             a peer answered a sync request
 * - `radiosync:sync:repaired`       { station, peer, result }     a repair exchange this station started finished
 * Link (src/link/Link.ts, Sender.ts through src/link/linkDiagnostics.ts), each with `station`
 * (this station's callsign):
 * - `radiosync:link:received`    { station, from, transferId, size }   a transfer arrived whole, hash checked
 * - `radiosync:link:delivered`   { station, transferId, to, receipt?, stats }   a receiver acknowledged all of it
 * - `radiosync:link:failed`      { station, transferId, to?, error, queued }
 * - `radiosync:link:expired`     { station, transferId, undelivered }
 * - `radiosync:link:retransmit`  { station, transferId, to, burst, poll, dataFrames }   a burst after a
 *                                transfer's first (burst ≥ 2): a poll or more shards
 * - `radiosync:link:repair`      { same fields }   a retransmission that carries shards (new parity
 *                                for what the receivers still lack), not a poll alone
 */
export const DIAGNOSTICS = {
  link: {
    received: 'radiosync:link:received',
    delivered: 'radiosync:link:delivered',
    failed: 'radiosync:link:failed',
    expired: 'radiosync:link:expired',
    retransmit: 'radiosync:link:retransmit',
    repair: 'radiosync:link:repair',
  },
  tnc: {
    frameIn: 'radiosync:tnc:frame-in',
    frameOut: 'radiosync:tnc:frame-out',
    listenerError: 'radiosync:tnc:listener-error',
  },
  sync: {
    heard: 'radiosync:sync:heard',
    applied: 'radiosync:sync:applied',
    refused: 'radiosync:sync:refused',
    files: 'radiosync:sync:files',
    queued: 'radiosync:sync:queued',
    acknowledged: 'radiosync:sync:acknowledged',
    failed: 'radiosync:sync:failed',
    digest: 'radiosync:sync:digest',
    answered: 'radiosync:sync:answered',
    repaired: 'radiosync:sync:repaired',
  },
} as const;
