/**
 * Safe writes: write a temp file beside the target, fsync it, set mode (`& 0o777`) and mtime, re-check that
 * the target still holds what we think it holds, then rename over it and fsync the directory.
 * A crash leaves either the old file or the new one, never a torn mix, plus at worst a temp file
 * that {@link cleanTemps} removes on the next run; any thrown error (ENOSPC, EACCES…) removes it at once.
 */
import { closeSync, fsyncSync, lstatSync, openSync, readdirSync, renameSync, unlinkSync, utimesSync, writeSync, chmodSync, mkdirSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { TEMP_PREFIX } from './ignoreRules.js';

let tempCounter = 0;

/** A temp name in the target's directory (pid + counter: unique without randomness). */
export function tempPathFor(target: string): string {
  tempCounter++;
  return join(dirname(target), `${TEMP_PREFIX}${process.pid}-${tempCounter}-${basename(target).slice(0, 80)}`);
}

export function fsyncDir(dir: string): void {
  try {
    const fd = openSync(dir, 'r');
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  } catch {
    /* some file systems cannot fsync a directory */
  }
}

export interface SafeWriteOptions {
  mode: number;
  /** Modification time to set (ms since epoch). */
  mtime: number;
  /**
   * Called after the temp file is complete and just before the rename: true if the target still
   * holds what the caller expects. On false the temp file is removed and nothing is replaced.
   */
  check: () => Promise<boolean> | boolean;
  /** Called after the check passes and before the rename (e.g. to keep the old version). */
  beforeReplace?: () => void;
}

/**
 * Write `source` to `target` safely. Returns 'written', 'target-changed' (the check failed) or
 * 'source-failed' (the source returned undefined: a chunk was missing).
 */
export async function safeWriteFile(
  target: string,
  source: AsyncIterable<Uint8Array | undefined> | Iterable<Uint8Array | undefined>,
  opts: SafeWriteOptions,
): Promise<'written' | 'target-changed' | 'source-failed'> {
  mkdirSync(dirname(target), { recursive: true });
  const tmp = tempPathFor(target);
  const fd = openSync(tmp, 'wx', 0o600);
  let renamed = false;
  try {
    let ok = true;
    try {
      for await (const part of source) {
        if (part === undefined) {
          ok = false;
          break;
        }
        let off = 0;
        while (off < part.length) off += writeSync(fd, part, off, part.length - off);
      }
      if (ok) fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    if (!ok) return 'source-failed';
    // Only the permission bits, whatever the caller passed: never setuid, setgid or sticky.
    chmodSync(tmp, opts.mode & 0o777);
    utimesSync(tmp, opts.mtime / 1000, opts.mtime / 1000);
    if (!(await opts.check())) return 'target-changed';
    opts.beforeReplace?.();
    renameSync(tmp, target);
    renamed = true;
    fsyncDir(dirname(target));
    return 'written';
  } finally {
    // Every way out but the rename removes the temp file: a full disk or a failed chmod leaves nothing behind.
    if (!renamed) {
      try {
        unlinkSync(tmp);
      } catch {
        /* already gone */
      }
    }
  }
}

/** Remove radiosync temp files left under `root` by a crash. Returns how many were removed. */
export function cleanTemps(root: string): number {
  let n = 0;
  const walk = (dir: string): void => {
    let names: string[];
    try {
      names = readdirSync(dir);
    } catch {
      return;
    }
    for (const name of names) {
      const p = join(dir, name);
      let isDir = false;
      try {
        isDir = lstatSync(p).isDirectory();
      } catch {
        continue;
      }
      if (isDir) walk(p);
      else if (name.startsWith(TEMP_PREFIX)) {
        try {
          unlinkSync(p);
          n++;
        } catch {
          /* gone already */
        }
      }
    }
  };
  walk(root);
  return n;
}
