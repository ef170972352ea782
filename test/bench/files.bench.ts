/**
 * Folder sync benchmark (`npm run bench -- files`).
 *
 * 1. Bytes on air (compressed changeset payload, before FEC and framing), each as a ratio to
 *    sending the whole file as a new file in the same format, measured side by side in one run:
 *    a 1 KB edit in the middle of a 1 MB file (overwrite, and insertion), a rename, a move into a
 *    subfolder and a copy. The @files rows are counted: the changeset is built exactly as the sync
 *    layer will (scan changes with changed fields only, stamped; chunks the peer lacks) and
 *    encoded with the changeset codec (src/changeset/codec.ts), falling back to CBOR + deflate.
 *    Two contents: random bytes (incompressible, e.g. photos) and generated log text.
 * 2. Scan time of a 100,000-file tree (RADIOSYNC_BENCH_FILES to change), cold and warm.
 */
import { mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync, copyFileSync, utimesSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { encode } from 'cbor-x';
import { deflateSync } from 'fflate';
import type { Changeset, RowChange } from '../../src/changeset/Changeset.js';
import { initFolderMarker } from '../../src/files/Folder.js';
import { FolderSet } from '../../src/files/FolderSet.js';
import { openFolderStores } from '../../src/store/files/openFolderStores.js';
import type { FileChange } from '../../src/files/FileEntry.js';
import { allChunkHashes, planChunks } from '../../src/files/planChunks.js';
import type { BenchReport } from './report.js';
import { logText, xorshift } from './content.js';

type Encoder = (cs: Changeset) => Uint8Array;

async function loadEncoder(): Promise<{ encode: Encoder; name: string }> {
  try {
    const m = (await import('../../src/changeset/codec.js')) as { encodeChangeset: Encoder };
    return { encode: m.encodeChangeset, name: 'changeset codec (src/changeset/codec.ts)' };
  } catch {
    return { encode: (cs) => deflateSync(encode(cs), { level: 9 }), name: 'CBOR (cbor-x) + deflate level 9 (codec not available)' };
  }
}


const PEER = 'N0BBB';
/** Edit positions measured per case (spread evenly over the file). */
const EDIT_POSITIONS = 16;
const SHARE = 'ops';

class Sender {
  readonly set: FolderSet;
  readonly root: string;
  private seq = 0;
  private readonly enc: Encoder;
  constructor(base: string, enc: Encoder) {
    this.enc = enc;
    this.root = join(base, 'folder');
    mkdirSync(this.root, { recursive: true });
    initFolderMarker({ share: SHARE, root: this.root });
    const stationDir = join(base, 'station');
    mkdirSync(stationDir, { recursive: true });
    this.set = new FolderSet({ ...openFolderStores(new Database(join(stationDir, 's.sqlite')), stationDir), stationDir, folders: [{ share: SHARE, root: this.root }] });
  }

  /** Scan, build the changeset for PEER, mark it acknowledged; return its encoded size. */
  async sync(): Promise<{ bytes: number; chunks: number; rows: number }> {
    const { changes, paths } = await this.set.scan(SHARE);
    const stamp = (c: FileChange): RowChange => {
      this.seq++;
      return { ...c, origin: 'N0AAA', seq: this.seq, hlc: BigInt(Date.UTC(2026, 0, 1) + this.seq) << 16n };
    };
    const rows = changes.map(stamp);
    const roots = changes
      .map((c, i) => (c.kind === 'upsert' ? this.set.fdb.getScan(SHARE, paths[i]!) : undefined))
      .filter((e) => e !== undefined && e.type === 'file')
      .map((e) => e!.chunks);
    const plan = planChunks(this.set.chunks, roots, (h) => this.set.chunks.peerHas(PEER, h));
    const cs: Changeset = { version: 1, from: 'N0AAA', to: [PEER], created: 0, upto: { N0AAA: this.seq }, changes: rows, chunks: plan.chunks };
    const bytes = this.enc(cs).length;
    for (const r of roots) this.set.chunks.markPeerHas(PEER, allChunkHashes(this.set.chunks, r));
    return { bytes, chunks: plan.chunks.length, rows: rows.length };
  }
}

let mtime = Date.UTC(2025, 0, 1);
function put(root: string, path: string, data: Uint8Array): void {
  writeFileSync(join(root, path), data);
  mtime += 1000;
  utimesSync(join(root, path), mtime / 1000, mtime / 1000);
}

async function airCases(enc: Encoder, content: 'random' | 'text', base: string): Promise<Array<Record<string, string | number>>> {
  const MB = 1 << 20;
  const gen = content === 'random' ? xorshift : logText;
  const data = gen(MB, 1);
  const rows: Array<Record<string, string | number>> = [];
  const s = new Sender(join(base, `air-${content}`), enc);
  put(s.root, 'data.bin', data);
  const whole = await s.sync();
  const add = (name: string, goal: string, r: { bytes: number; chunks: number; rows: number }): void => {
    rows.push({ content, case: name, 'bytes on air': r.bytes, 'whole file': whole.bytes, 'ratio %': (100 * r.bytes) / whole.bytes, goal, chunks: r.chunks, rows: r.rows });
  };
  add('whole 1 MB file (new)', '', whole);
  const addStats = (name: string, goal: string, runs: Array<{ bytes: number; chunks: number; rows: number }>): void => {
    const mean = (f: (r: { bytes: number; chunks: number }) => number): number => runs.reduce((t, r) => t + f(r), 0) / runs.length;
    add(`${name}, mean of ${runs.length}`, goal, { bytes: Math.round(mean((r) => r.bytes)), chunks: mean((r) => r.chunks), rows: runs[0]!.rows });
    const worst = runs.reduce((a, b) => (b.bytes > a.bytes ? b : a));
    add(`${name}, worst`, goal, worst);
  };
  // Edits at EDIT_POSITIONS offsets spread over the file (one sync each): mean and worst case.
  let current = data;
  const overwrite: Array<{ bytes: number; chunks: number; rows: number }> = [];
  for (let k = 0; k < EDIT_POSITIONS; k++) {
    const next = current.slice();
    next.set(gen(1024, 100 + k), Math.floor(((k + 0.5) / EDIT_POSITIONS) * (MB - 1024)));
    put(s.root, 'data.bin', next);
    overwrite.push(await s.sync());
    current = next;
  }
  addStats('1 KB overwritten mid-file', '<= 2%', overwrite);
  const insert: Array<{ bytes: number; chunks: number; rows: number }> = [];
  for (let k = 0; k < EDIT_POSITIONS; k++) {
    const at = Math.floor(((k + 0.5) / EDIT_POSITIONS) * MB);
    const next = new Uint8Array(current.length + 1024);
    next.set(current.subarray(0, at), 0);
    next.set(gen(1024, 200 + k), at);
    next.set(current.subarray(at), at + 1024);
    put(s.root, 'data.bin', next);
    insert.push(await s.sync());
    current = next;
  }
  addStats('1 KB inserted mid-file', '', insert);
  renameSync(join(s.root, 'data.bin'), join(s.root, 'renamed.bin'));
  add('renamed', '<= 0.2%', await s.sync());
  mkdirSync(join(s.root, 'archive/2026'), { recursive: true });
  renameSync(join(s.root, 'renamed.bin'), join(s.root, 'archive/2026/moved.bin'));
  add('moved into new subfolders', '', await s.sync());
  copyFileSync(join(s.root, 'archive/2026/moved.bin'), join(s.root, 'copy.bin'));
  add('copied', '<= 0.2%', await s.sync());
  return rows;
}

async function scanCases(base: string): Promise<Array<Record<string, string | number>>> {
  const total = Number(process.env.RADIOSYNC_BENCH_FILES ?? 100_000);
  const perDir = 1000;
  const s = new Sender(join(base, "scan"), () => new Uint8Array(0));
  const t0 = performance.now();
  for (let d = 0; d * perDir < total; d++) {
    const dir = join(s.root, `d${String(d).padStart(3, '0')}`);
    mkdirSync(dir);
    for (let i = 0; i < perDir && d * perDir + i < total; i++) {
      writeFileSync(join(dir, `f${i}.txt`), `record ${d}-${i}\n`.repeat(1 + (i % 20)));
    }
  }
  const genMs = performance.now() - t0;
  await new Promise((r) => setTimeout(r, 2100)); // let every file age past the racy window
  const rows: Array<Record<string, string | number>> = [];
  const run = async (name: string, scope?: string[]): Promise<void> => {
    const t = performance.now();
    const r = await s.set.scan(SHARE, scope ? { scope } : {});
    const ms = performance.now() - t;
    rows.push({ scan: name, files: total, ms: Math.round(ms), 'files/s': Math.round((total / ms) * 1000), hashed: r.stats.hashedFiles, changes: r.changes.length });
  };
  await run('cold (empty scan state)');
  await run('warm (nothing changed)');
  for (let i = 0; i < 100; i++) writeFileSync(join(s.root, 'd000', `f${i}.txt`), `changed ${i}\n`);
  await run('warm, 100 files changed');
  writeFileSync(join(s.root, 'd001', 'f7.txt'), 'saved in an editor\n');
  await run('watcher: 1 file changed, scoped scan', ['d001/f7.txt']);
  // One big file: chunking + hashing throughput, streamed in SCAN_READ_BYTES reads.
  const bigMb = 64;
  const big = new Sender(join(base, 'scan-big'), () => new Uint8Array(0));
  const piece = xorshift(1 << 20, 5);
  for (let i = 0; i < bigMb; i++) {
    piece[0] = i;
    writeFileSync(join(big.root, 'big.bin'), piece, { flag: i === 0 ? 'w' : 'a' });
  }
  utimesSync(join(big.root, 'big.bin'), Date.UTC(2025, 0, 1) / 1000, Date.UTC(2025, 0, 1) / 1000);
  const tb = performance.now();
  const rb = await big.set.scan(SHARE);
  const msb = performance.now() - tb;
  rows.push({ scan: `one ${bigMb} MB file, cold (${Math.round((bigMb / msb) * 1000)} MB/s)`, files: 1, ms: Math.round(msb), 'files/s': 0, hashed: rb.stats.hashedFiles, changes: rb.changes.length });
  rows.push({ scan: 'tree generation (for reference)', files: total, ms: Math.round(genMs), 'files/s': Math.round((total / genMs) * 1000), hashed: 0, changes: 0 });
  return rows;
}

export async function run(): Promise<BenchReport> {
  const base = mkdtempSync(join(tmpdir(), 'rs-files-bench-'));
  try {
    const enc = await loadEncoder();
    const air = [...(await airCases(enc.encode, 'random', base)), ...(await airCases(enc.encode, 'text', base))];
    const scans = await scanCases(base);
    return {
      tables: [
        {
          title: 'Folder sync: bytes on air (compressed changeset, before FEC) vs sending the whole file',
          columns: ['content', 'case', 'bytes on air', 'whole file', 'ratio %', 'goal', 'chunks', 'rows'],
          rows: air,
          notes: [
            `encoder: ${enc.name}; @files rows included (changed fields only; a rename is a delete + an upsert)`,
            'chunking: FastCDC min 512 B / avg 2 KiB / max 8 KiB; chunk ids SHA-256/128; chunk lists over 8 records split into list chunks',
          ],
        },
        {
          title: 'Folder sync: scan time (one folder, small files, 1000 per directory)',
          columns: ['scan', 'files', 'ms', 'files/s', 'hashed', 'changes'],
          rows: scans,
          notes: ['warm scans skip files by size + mtime + inode + mode; cold scans hash every file and write the scan state'],
        },
      ],
    };
  } finally {
    rmSync(base, { recursive: true, force: true });
  }
}
