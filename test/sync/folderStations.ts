/**
 * Test helpers for folder sync over real stations: each station has config, keys and SQLite (records
 * in station.sqlite), one synced folder `docs`, and a FolderSync. `transfer` is one changeset from a
 * to b with the wiring the runtime and bundles use: capture → build → attachChunks → seal → apply →
 * FolderSync.applyIncoming, then the sender's cursor and chunk knowledge move (acknowledge,
 * onAcknowledged).
 */
import { cpSync, mkdirSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Changeset } from '../../src/changeset/Changeset.js';
import type { Clock } from '../../src/clock/Clock.js';
import { ManualClock } from '../../src/clock/ManualClock.js';
import { initFolderMarker } from '../../src/files/Folder.js';
import { initStation, Station } from '../../src/station/Station.js';
import { applyIncoming, type IncomingResult } from '../../src/sync/applyIncoming.js';
import { FolderSync, type FolderApplyReport, type FolderSyncOptions } from '../../src/sync/FolderSync.js';
import { openChangeset, sealChangeset } from '../../src/sync/signedChangeset.js';
import { snapshot } from '../files/helpers.js';
import { tempDir } from './stations.js';

export const SAMPLE_FOLDER = new URL('../../fixtures/sample-folder/', import.meta.url).pathname;
export const SHARE = 'docs';

export interface FolderNode {
  call: string;
  root: string;
  station: Station;
  fs: FolderSync;
}

/** Stations with a `docs` folder each; `sample` copies fixtures/sample-folder into the first one. */
export function makeFolderStations(
  dir: string, calls: string[], clock: Clock,
  opts: { sample?: boolean; shares?: string[]; fs?: FolderSyncOptions } = {},
): FolderNode[] {
  const nodes = calls.map((call, i) => {
    const share = opts.shares?.[i] ?? SHARE;
    const root = join(dir, `${call}-docs`);
    if (i === 0 && opts.sample) cpSync(SAMPLE_FOLDER, root, { recursive: true });
    else {
      mkdirSync(root, { recursive: true });
      initFolderMarker({ share, root });
    }
    const home = join(dir, call);
    initStation({ home, callsign: call, folders: { [share]: root }, clock });
    const station = Station.open(home, { clock, env: {} });
    return { call, root, station, fs: FolderSync.open(station, { caseInsensitive: false, ...opts.fs }) };
  });
  for (const a of nodes) for (const b of nodes) if (a !== b) a.station.addPeer(b.call, b.station.publicKey());
  return nodes;
}

export function closeAll(nodes: FolderNode[]): void {
  for (const n of nodes) {
    n.fs.close();
    n.station.close();
  }
}

/** Start of the folder tests' virtual clock. */
export const FOLDER_T0 = Date.UTC(2026, 10, 21, 12, 0, 0);

/** Folder stations in a fresh temp directory on a virtual clock; `done` closes them and removes it. */
export function folderSetup(
  calls: string[],
  opts: Parameters<typeof makeFolderStations>[3] = {},
): { nodes: FolderNode[]; clock: ManualClock; done: () => void } {
  const { dir, cleanup } = tempDir('radiosync-folders-');
  const clock = new ManualClock(FOLDER_T0);
  const nodes = makeFolderStations(dir, calls, clock, opts);
  return { nodes, clock, done: () => (closeAll(nodes), cleanup()) };
}

/** A synced folder's tree without the files its ignore rules keep local (.gitkeep in the fixture). */
export function syncedTree(root: string): Record<string, string> {
  const s = snapshot(root);
  delete s['inbox/empty-until-used/.gitkeep'];
  return s;
}

export interface Transfer {
  cs: Changeset;
  sealed: Uint8Array;
  inc: IncomingResult;
  report: FolderApplyReport;
  chunkBytes: number;
}

/** Build what `a` holds that `b` lacks (after a capture at `a`), without delivering it. */
export async function build(a: FolderNode, b: FolderNode, opts: { capture?: boolean } = {}): Promise<{ cs: Changeset; sealed: Uint8Array }> {
  if (opts.capture !== false) await a.fs.capture();
  const cs = a.fs.attachChunks(a.station.records.buildChangeset(b.call), [b.call]);
  return { cs, sealed: sealChangeset(a.station, cs) };
}

/** Deliver sealed bytes to `b` (records, then folders), as the runtime and importBundle do. */
export async function deliver(b: FolderNode, sealed: Uint8Array): Promise<{ inc: IncomingResult; report: FolderApplyReport }> {
  const inc = applyIncoming(b.station, sealed);
  const { changeset } = openChangeset(b.station, sealed);
  const report = await b.fs.applyIncoming(changeset, inc.result);
  return { inc, report };
}

/** The sender learns that `b` applied `cs` (the receipt). */
export function acknowledged(a: FolderNode, b: FolderNode, cs: Changeset): void {
  a.station.records.acknowledge(b.call, cs.upto);
  a.fs.onAcknowledged(b.call, cs);
}

/** One full transfer a → b. */
export async function transfer(a: FolderNode, b: FolderNode): Promise<Transfer> {
  const { cs, sealed } = await build(a, b);
  const { inc, report } = await deliver(b, sealed);
  acknowledged(a, b, cs);
  return { cs, sealed, inc, report, chunkBytes: cs.chunks.reduce((s, c) => s + c.data.length, 0) };
}

/** Write a file with a given mtime (distinct per write, so size+mtime change detection sees it). */
let putMtime = Date.UTC(2025, 5, 1);
export function put(root: string, path: string, data: string | Uint8Array): void {
  const p = join(root, path);
  writeFileSync(p, data);
  putMtime += 1000;
  utimesSync(p, putMtime / 1000, putMtime / 1000);
}
