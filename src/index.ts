/**
 * radiosync public API. The CLI (src/cli/) imports only from here.
 * Layers, lowest first: errors → clock → util → radio → diagnostics → framing → fec → changeset → link → transport →
 * tnc → sim → files → store → auth → online → bundle → config → schedule → station → sync → demo.
 * The cli sits on top and imports only this file. See docs/architecture.md.
 */
export * from './errors/RadiosyncError.js';
export * from './clock/Clock.js';
export { DIAGNOSTICS } from './diagnostics/DIAGNOSTICS.js';
export { ManualClock } from './clock/ManualClock.js';
export type { Transport } from './transport/Transport.js';
export type * from './changeset/Changeset.js';
export { exportRangeFromText, parseExportDate, parseSeqRange, type ExportRangeText } from './store/exportRange.js';
export type { ExportRange, ChangesExport, ExportedChange } from './store/exportJson.js';
export type { ConflictRecord, ConflictDetail, ConflictResolution, ResolveResult, ListConflictsOptions } from './store/conflicts.js';
export { initStation, reconfigureStation, Station, type InitStationOptions, type ReconfigureOptions, type StationSummary } from './station/Station.js';
export { peerList, type PeerStatus, type PeerState } from './station/peerList.js';
export { exportBundle, importBundle, partNames, MIN_PART_BYTES, type ExportResult, type ExportOptions, type ImportResult } from './sync/bundles.js';
export { BUNDLE_ERRORS } from './bundle/errors.js';
export { sessionOutcome, importOutcome, type Outcome } from './sync/outcome.js';
export { stateDigest, stateCount, verdictFor, formatVerdict, peerDigest, type Verdict } from './sync/stateDigest.js';
export { encodeSummary, decodeSummary, summarize, compareSummaries, type StateDigest, type DigestSummary } from './store/digest.js';
export { tableFingerprints, type TableFingerprint } from './sync/tableFingerprint.js';
export { runDemo, type DemoOptions, type DemoSummary, type DemoPhase } from './demo/runDemo.js';
export { StationRuntime, type RuntimeOptions, type OutboundInfo, type RuntimeCounters } from './sync/StationRuntime.js';
export { kissTncPort, simRadioPort, type FramePort } from './sync/FramePort.js';
export { simMain, type SimCliOptions } from './sim/simEntry.js';
export { RadioChannel, type RadioChannelOptions } from './sim/RadioChannel.js';
export { previewSend, type SendPreview } from './sync/previewSend.js';
export { stationStatus, type StationStatus, type QueueEntry } from './sync/stationStatus.js';
export { openRadioSession, type RadioSessionKind, type RadioSessionOptions, type SessionProgress } from './sync/radioSession.js';
export { sendSession, receiveSession, syncSession, type SessionResult, type SessionEvent } from './sync/sessions.js';
export { openAir, transportFromConfig, type Air } from './sync/openAir.js';
export type { TransportSpec } from './transport/openTransport.js';
export { Daemon, startDaemon, type DaemonOptions, type DaemonEvent, type DaemonHandle, type KeyUpRecord } from './sync/daemon.js';
export { openStationQueue } from './sync/stationQueue.js';
export { FolderSync, type FolderApplyReport, type SentFiles } from './sync/FolderSync.js';
export { importBundleRecords, importBundleFile } from './sync/bundles.js';
export { openBundleFile, type BundleFile, type BundleItemRef } from './bundle/bundleFile.js';
export type { TableMigration } from './store/migrate.js';
export { syncOnline, serveOnline, onlineResponder, syncOverStream, stationHandshake, type OnlineServer, type ServeEvent, type OnlineTimeouts } from './sync/online.js';
export { onlineExchange, type OnlineResult, type OnlineEvent } from './sync/onlineExchange.js';
export { onlineOutcome } from './sync/outcome.js';
export { recordPeerPath, lastPeerPath, formatPeerPath, type PeerPath, type PeerPathKind } from './sync/peerPath.js';
export { parseHostPort, DEFAULT_ONLINE_PORT, type HostPort } from './online/address.js';
export { ONLINE_ERRORS } from './online/errors.js';
export { DEFAULT_STALL_MS } from './online/SecureChannel.js';
export { startLanDiscovery, advertisedAddresses, findOnLan, lanSeen, lanAddress, stationFingerprint, type LanSeen, type LanState } from './sync/discovery.js';
export { keyFingerprint, MdnsDiscovery, MDNS_SERVICE } from './online/mdns.js';
export { Fallback, type FallbackEvent } from './sync/fallback.js';
