/**
 * Folder sync through the real record store (`npm run bench -- folderSync`): two real stations,
 * FolderSync.capture → records.buildChangeset → attachChunks → encodeChangeset, and the bytes of
 * the encoded payload (compressed, before the signature, FEC and framing) for each case, as a ratio
 * to sending the whole 1 MB file as a new file, measured side by side in one run. Every changeset
 * is delivered and acknowledged, so each case starts from what the peer really holds.
 * Entries travel whole (all fields), which costs a few dozen bytes per row over files.bench.ts's
 * changed-fields-only rows.
 */
import { copyFileSync, renameSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { encodeChangeset } from '../../src/changeset/codec.js';
import { ManualClock } from '../../src/clock/ManualClock.js';
import { closeAll, makeFolderStations, transfer, type FolderNode } from '../sync/folderStations.js';
import { tempDir } from '../sync/stations.js';
import type { BenchReport } from './report.js';
import { logText, xorshift } from './content.js';

const MB = 1024 * 1024;
/** Edit positions per content (spread evenly over the file). */
const EDITS = 8;


let mtime = Date.UTC(2025, 5, 1);
function put(root: string, path: string, data: Uint8Array): void {
  writeFileSync(join(root, path), data);
  mtime += 1000;
  utimesSync(join(root, path), mtime / 1000, mtime / 1000);
}

async function measure(content: Uint8Array): Promise<Record<string, number>> {
  const { dir, cleanup } = tempDir('radiosync-bench-folders-');
  const clock = new ManualClock(Date.UTC(2026, 10, 21, 12));
  const nodes = makeFolderStations(dir, ['N0AAA', 'N0BBB'], clock);
  const [a, b] = nodes as [FolderNode, FolderNode];
  const send = async (): Promise<number> => {
    clock.advance(1000);
    const t = await transfer(a, b);
    return encodeChangeset(t.cs).length;
  };
  try {
    put(a.root, 'big.bin', content);
    const whole = await send();
    let cur = new Uint8Array(content);
    const edits: number[] = [];
    for (let i = 0; i < EDITS; i++) {
      cur = new Uint8Array(cur);
      cur.set(xorshift(1024, 100 + i), Math.floor(((i + 0.5) * (MB - 1024)) / EDITS));
      put(a.root, 'big.bin', cur);
      edits.push(await send());
    }
    renameSync(join(a.root, 'big.bin'), join(a.root, 'renamed.bin'));
    const renamed = await send();
    copyFileSync(join(a.root, 'renamed.bin'), join(a.root, 'copy.bin'));
    const copied = await send();
    return {
      whole,
      editMean: edits.reduce((s, x) => s + x, 0) / edits.length,
      editWorst: Math.max(...edits),
      renamed,
      copied,
    };
  } finally {
    closeAll(nodes);
    cleanup();
  }
}

export async function run(): Promise<BenchReport> {
  const random = await measure(xorshift(MB, 42));
  const text = await measure(logText(MB, 7));
  const pct = (x: number, whole: number): string => `${x.toFixed(0)} B (${((100 * x) / whole).toFixed(3)}%)`;
  const row = (name: string, key: string, goal: string) => ({
    case: name, 'random bytes': pct(random[key]!, random.whole!), 'log text': pct(text[key]!, text.whole!), goal,
  });
  return {
    tables: [
      {
        title: 'Folder sync through the record store: encoded changeset bytes, ratio to the whole 1 MB file',
        columns: ['case', 'random bytes', 'log text', 'goal'],
        rows: [
          row('whole 1 MB file (new)', 'whole', ''),
          row(`1 KB overwritten mid-file, mean of ${EDITS}`, 'editMean', '≤ 2%'),
          row(`1 KB overwritten mid-file, worst of ${EDITS}`, 'editWorst', ''),
          row('renamed', 'renamed', '≤ 0.2%'),
          row('copied', 'copied', '≤ 0.2%'),
        ],
        notes: ['payload = encodeChangeset (CBOR + deflate), before signature, FEC and framing; rows carry whole entries'],
      },
    ],
    extra: { random, text },
  };
}
