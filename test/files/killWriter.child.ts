/**
 * Child process for safeWrite.test.ts: safely writes `argv[3]` bytes of 'N' over argv[2], slowly,
 * printing one line per 64 KiB written, so the parent can SIGKILL it mid-write.
 */
import { safeWriteFile } from '../../src/files/safeWrite.js';

const [target, sizeText] = process.argv.slice(2);
const size = Number(sizeText);
const piece = new Uint8Array(64 * 1024).fill(0x4e);

async function* slow(): AsyncGenerator<Uint8Array> {
  for (let off = 0; off < size; off += piece.length) {
    yield piece.subarray(0, Math.min(piece.length, size - off));
    process.stdout.write(`wrote ${off}\n`);
    await new Promise((r) => setTimeout(r, 15));
  }
}

await safeWriteFile(target!, slow(), { mode: 0o644, mtime: Date.UTC(2026, 0, 1), check: () => true });
process.stdout.write('done\n');
