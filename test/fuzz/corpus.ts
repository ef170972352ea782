/**
 * Seed corpus for the fuzzers, made by the real code: a genuine signed changeset transfer N0AAA →
 * N0BBB recorded off the simulated air, a forged one (an impostor claiming N0AAA with its own key),
 * the acks, the changesets, envelopes, receipts and bundles behind them. The receiving station
 * N0BBB has applied the genuine transfer before any fuzzing starts, so a replay of it is a no-op
 * and any state change during fuzzing is a failure.
 */
import { encodeChangeset, encodeChangesetCbor } from '../../src/changeset/codec.js';
import { generatePersonRows, personChangeset } from '../../fixtures/gen/personTable.js';
import { encodeKiss, KissCommand } from '../../src/framing/kiss.js';
import { sealEnvelope } from '../../src/auth/envelope.js';
import { BundleItemKind, encodeBundle } from '../../src/bundle/bundle.js';
import { sealChangeset } from '../../src/sync/signedChangeset.js';
import { sealReceipt } from '../../src/sync/receipt.js';
import { importBundleRecords } from '../../src/sync/bundles.js';
import type { Station } from '../../src/station/Station.js';
import { simRadioPort } from '../../src/sync/FramePort.js';
import { StationRuntime } from '../../src/sync/StationRuntime.js';
import { AirRig } from '../security/airRig.js';

export interface Corpus {
  rig: AirRig;
  /** The receiving station (N0BBB): trusts N0AAA, has applied the genuine transfer. */
  receiver: Station;
  /** The trusted sender (N0AAA). */
  sender: Station;
  /** AX.25 frames (no FCS) heard on the air: genuine and forged transfers, acks. */
  ax25: Uint8Array[];
  /** Their info fields (radiosync link frames). */
  linkFrames: Uint8Array[];
  /** KISS encodings of the AX.25 frames. */
  kiss: Uint8Array[];
  /** Compressed changesets (decodeChangeset input) and their inflated CBOR. */
  changesets: Uint8Array[];
  changesetCbor: Uint8Array[];
  /** Signed envelopes: genuine (from N0AAA) and forged (impostor key, claiming N0AAA). */
  envelopes: Uint8Array[];
  genuineEnvelopes: Uint8Array[];
  /** Receipts addressed to N0BBB: genuine and forged. */
  receipts: Uint8Array[];
  genuineReceipts: Uint8Array[];
  /** Bundles addressed to N0BBB (genuine ones already imported). */
  bundles: Uint8Array[];
  close(): void;
}

const A = 'N0AAA';
const B = 'N0BBB';

export async function makeCorpus(): Promise<Corpus> {
  const rig = new AirRig({ calls: [A, B], seed: 7 });
  const a = rig.station(A);
  const b = rig.station(B);
  const impostor = rig.impostor(A, [B]);

  // Three small changesets from the sample database (different rows), encoded and signed.
  const all = a.records.buildChangeset(B, { acked: {}, to: [B], maxChanges: 120 });
  const parts = [all.changes.slice(0, 40), all.changes.slice(40, 80), all.changes.slice(80, 120)];
  const css = parts.map((changes) => ({ ...all, changes, chunks: [] }));
  // plus 300 generated person rows, whose columns take the packed-UUID and delimited-list forms
  const person = personChangeset(generatePersonRows(300, 5));
  const changesets = [...css, person].map((cs) => encodeChangeset(cs));
  const changesetCbor = [...css, person].map((cs) => encodeChangesetCbor(cs));
  const genuineEnvelopes = css.slice(0, 2).map((cs) => sealChangeset(a, cs));
  const forgedEnvelopes = [sealEnvelope(changesets[2]!, A, impostor.keys.signPrivate), sealEnvelope(changesets[0]!, A, impostor.keys.signPrivate)];

  // Genuine transfer on the air: A → B, applied by B.
  const rtB = rig.runtime(B);
  let applied = 0;
  let refused = 0;
  rtB.on('applied', () => applied++);
  rtB.on('refused', () => refused++);
  rig.runtime(A).link.enqueue({ to: [B], payload: genuineEnvelopes[0]! });
  await rig.run(() => applied === 1, 3_600_000);
  if (applied !== 1) throw new Error('corpus: genuine transfer did not complete');
  await rig.run(() => false, 30_000);
  // Forged transfer: the impostor takes A's place on the air with its own key.
  rig.stopRuntime(A);
  const impRt = new StationRuntime({ station: impostor, port: simRadioPort(rig.channel.attach('IMPOSTOR')), bitrate: rig.bitrate, clock: rig.clock });
  impRt.link.enqueue({ to: [B], payload: forgedEnvelopes[0]! });
  // its ANNOUNCE carries tags from the wrong pair key: B's link refuses to open the transfer
  await rig.run(() => refused >= 1 || rtB.link.stats.authFailures >= 3, 3_600_000);
  if (refused < 1 && rtB.link.stats.authFailures < 3) throw new Error('corpus: forged transfer was not refused');
  impRt.close();
  rig.channel.station('IMPOSTOR')?.close();
  await rig.run(() => false, 10_000);
  rig.stopRuntime(B);

  const ax25 = rig.air.map((f) => f.bytes);
  const linkFrames = rig.air.map((f) => f.info);
  const kiss = ax25.map((data) => encodeKiss({ port: 0, command: KissCommand.Data, data }));

  const rc = (vv: Record<string, number>) => ({ vv, summary: new Uint8Array(34).fill(1, 0, 1), chunks: [] });
  const genuineReceipts = [sealReceipt(a, B, rc(a.records.versionVector())), sealReceipt(a, B, rc({}))];
  const receipts = [...genuineReceipts, sealReceipt(impostor, B, rc({ [A]: 999 }))];

  const smallBundle = encodeBundle({ from: A, to: [B], created: rig.clock.now(), exportId: new Uint8Array(8), part: 1, parts: 1, items: [{ kind: BundleItemKind.Changeset, data: genuineEnvelopes[1]! }, { kind: BundleItemKind.Ack, data: genuineReceipts[1]! }] });
  const forgedBundle = encodeBundle({ from: A, to: [B], created: rig.clock.now(), exportId: new Uint8Array(8), part: 1, parts: 1, items: [{ kind: BundleItemKind.Changeset, data: forgedEnvelopes[0]! }, { kind: BundleItemKind.Ack, data: receipts[2]! }] });
  // B takes in the genuine bundles now: replaying them later is a no-op.
  importBundleRecords(b, smallBundle);

  return {
    rig,
    receiver: b,
    sender: a,
    ax25,
    linkFrames,
    kiss,
    changesets,
    changesetCbor,
    envelopes: [...genuineEnvelopes, ...forgedEnvelopes],
    genuineEnvelopes,
    receipts,
    genuineReceipts,
    bundles: [smallBundle, forgedBundle],
    close: () => rig.close(),
  };
}
