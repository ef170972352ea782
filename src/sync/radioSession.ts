/**
 * `send` / `receive` / `sync` as library calls: open the transport and TNC from flags or config,
 * run one session with the station runtime on real time, log it, close everything.
 */
import { makeError } from '../errors/RadiosyncError.js';
import { SYNC_ERRORS } from './errors.js';
import type { TransportSpec } from '../transport/openTransport.js';
import type { TransferQueue } from '../link/TransferQueue.js';
import type { Station } from '../station/Station.js';
import { openAir, transportFromConfig } from './openAir.js';
import { retryParkedRows } from './captureRecords.js';
import { openStationQueue } from './stationQueue.js';
import { StationRuntime } from './StationRuntime.js';
import { FolderSync } from './FolderSync.js';
import { AirtimeGovernor } from './AirtimeGovernor.js';
import { DroppedInput } from './droppedInput.js';
import { planError } from '../schedule/scheduleStatus.js';
import { receiveSession, sendSession, syncSession, type SessionEvent, type SessionResult } from './sessions.js';

export type RadioSessionKind = 'send' | 'receive' | 'sync';

export interface SessionProgress {
  peers: string[];
  ackedBlocks: number;
  totalBlocks: number;
}

export interface RadioSessionOptions {
  kind: RadioSessionKind;
  /** From flags; undefined = the config's [radio] transport. */
  transport?: TransportSpec | undefined;
  peers: string[];
  timeoutMs: number;
  once?: boolean;
  onEvent?: (e: SessionEvent) => void;
  onProgress?: (p: SessionProgress) => void;
  log?: (msg: string, data?: Record<string, unknown>) => void;
  /** Progress report period, ms (default 1000). */
  progressMs?: number;
}

export async function openRadioSession(st: Station, opts: RadioSessionOptions): Promise<SessionResult> {
  if ((opts.kind === 'send' || opts.kind === 'sync') && opts.peers.length === 0) {
    throw makeError(SYNC_ERRORS, 'RS_ERR_SYNC_NO_PEERS', `${opts.kind} needs ${opts.kind === 'send' ? '--to' : '--with'} CALL`);
  }
  for (const p of opts.peers) {
    st.requireTrusted(p);
  }
  // `send` and `sync` transmit data: inside a window, within the budgets and the duty cycle
  const governor = new AirtimeGovernor(st, st.clock);
  if (opts.kind !== 'receive') {
    for (const p of opts.peers) {
      const err = planError(governor.planNow(p), p);
      if (err) throw err;
    }
  }
  retryParkedRows(st);
  const spec = opts.transport ?? transportFromConfig(st.config.radio);
  opts.log?.('opening transport', { spec });
  const air = await openAir(spec, st.config.radio, st.config.limits);
  const queue: TransferQueue = openStationQueue(st);
  const folders = FolderSync.open(st);
  const rt = new StationRuntime({
    station: st,
    folders,
    port: governor.port(air.port),
    bitrate: st.config.radio.bitrate,
    queue,
    link: { mayTransmit: (to: string, now: number) => governor.mayTransmit(to, now) },
    acceptInbound: opts.kind !== 'send',
    answerSyncRequests: opts.kind !== 'send',
  });
  const dropped = new DroppedInput(rt);
  const sessionId = st.log.startSession(opts.kind, opts.peers, st.clock.now());
  const progressTimer = opts.onProgress
    ? setInterval(() => {
        const mine = rt.link.pendingOutbound();
        opts.onProgress!({
          peers: [...new Set(mine.flatMap((m) => m.pending))],
          ackedBlocks: mine.reduce((n, m) => n + m.blocksAcked, 0),
          totalBlocks: mine.reduce((n, m) => n + m.blockCount, 0),
        });
      }, opts.progressMs ?? 1000)
    : undefined;
  let result: SessionResult | undefined;
  try {
    const so = { timeoutMs: opts.timeoutMs, ...(opts.onEvent ? { onEvent: opts.onEvent } : {}) };
    result =
      opts.kind === 'send'
        ? await sendSession(rt, opts.peers, so)
        : opts.kind === 'sync'
          ? await syncSession(rt, opts.peers[0]!, so)
          : await receiveSession(rt, { ...so, ...(opts.once ? { once: true } : {}) });
    if (!result.ok && result.link.framesReceived === 0 && opts.kind !== 'receive') {
      throw makeError(
        SYNC_ERRORS,
        'RS_ERR_SYNC_NO_ANSWER',
        `nothing was heard through ${air.name} in ${Math.round(result.durationMs / 1000)} s: check that the TNC is in KISS mode, the radio is on the right frequency and keys up, and ${opts.peers.join(',')} is listening. What was not acknowledged stays queued.`,
        { transport: air.name, peers: opts.peers, sent: result.sent },
      );
    }
    return result;
  } finally {
    if (progressTimer) clearInterval(progressTimer);
    governor.flush();
    governor.save();
    dropped.flush();
    st.log.endSession(
      sessionId,
      st.clock.now(),
      result?.ok ?? false,
      result
        ? { sent: result.sent, received: result.received, failed: result.failed, verdicts: result.verdicts, turnarounds: result.link.turnarounds, keyUps: result.link.keyUps, timedOut: result.timedOut }
        : { error: true },
    );
    rt.close();
    folders.close();
    queue.close();
    await air.close();
  }
}
