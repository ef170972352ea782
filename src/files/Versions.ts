/**
 * The versions folder: overwritten and deleted files are kept in `<stationDir>/files/versions/
 * <share>/<path>~YYYYMMDD-HHMMSS.ext` for a configurable time (default VERSIONS_KEEP_MS, 30 days),
 * then removed by {@link cleanupVersions}.
 */
import { copyFileSync, linkSync, lstatSync, mkdirSync, readdirSync, renameSync, rmdirSync, unlinkSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import { versionName, versionTime } from './conflictName.js';
import { VERSIONS_KEEP_MS } from './limits.js';

export class Versions {
  readonly dir: string;
  constructor(dir: string) {
    this.dir = dir;
  }

  private pathFor(share: string, path: string, now: number): string {
    return join(this.dir, share, versionName(path, now));
  }

  /** Where a version of `path` made at `now` goes, relative to the versions folder. */
  relPathFor(share: string, path: string, now: number): string {
    return `${share}/${versionName(path, now)}`;
  }

  /** Keep a copy of the file at `abs` (it stays in place): hard link, or copy across devices. */
  keepCopy(share: string, path: string, abs: string, now: number): string {
    const dest = this.pathFor(share, path, now);
    mkdirSync(dirname(dest), { recursive: true });
    try {
      unlinkSync(dest);
    } catch {
      /* none yet */
    }
    try {
      linkSync(abs, dest);
    } catch {
      copyFileSync(abs, dest);
    }
    return dest;
  }

  /** Move the file at `abs` into the versions folder (it leaves the synced folder). */
  moveIn(share: string, path: string, abs: string, now: number): string {
    const dest = this.pathFor(share, path, now);
    mkdirSync(dirname(dest), { recursive: true });
    try {
      renameSync(abs, dest);
    } catch {
      copyFileSync(abs, dest);
      unlinkSync(abs);
    }
    return dest;
  }

  /** Every kept version, as paths relative to the versions folder. */
  list(): string[] {
    const out: string[] = [];
    const walk = (dir: string, rel: string): void => {
      let names: string[] = [];
      try {
        names = readdirSync(dir);
      } catch {
        return;
      }
      for (const n of names.sort()) {
        const p = join(dir, n);
        const r = rel === '' ? n : `${rel}/${n}`;
        if (lstatSync(p).isDirectory()) walk(p, r);
        else out.push(r);
      }
    };
    walk(this.dir, '');
    return out;
  }
}

/**
 * Remove versions older than `keepMs` (by the time in their name) and the directories they
 * leave empty. Returns the number of files removed.
 */
export function cleanupVersions(
  versions: Versions,
  now: number,
  keepMs: number = VERSIONS_KEEP_MS,
  onRemove?: (relPath: string) => void,
): number {
  let removed = 0;
  const walk = (dir: string): boolean => {
    let names: string[] = [];
    try {
      names = readdirSync(dir);
    } catch {
      return false;
    }
    let left = names.length;
    for (const n of names) {
      const p = join(dir, n);
      if (lstatSync(p).isDirectory()) {
        if (walk(p)) {
          rmdirSync(p);
          left--;
        }
      } else {
        const t = versionTime(n);
        if (t !== undefined && now - t > keepMs) {
          unlinkSync(p);
          onRemove?.(relative(versions.dir, p).split(sep).join('/'));
          removed++;
          left--;
        }
      }
    }
    return left === 0;
  };
  walk(versions.dir);
  return removed;
}
