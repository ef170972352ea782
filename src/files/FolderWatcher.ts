/**
 * Daemon mode: watch a folder with chokidar and run the same incremental scan after a quiet
 * period (WATCH_DEBOUNCE_MS), scoped to the paths the events named (a 100,000-file folder is not
 * re-walked for one saved file). Events only say where to look; the scan decides what changed, and
 * a periodic full scan (the daemon's schedule) catches anything the watcher cannot see (e.g.
 * network file systems).
 *
 * Scans never overlap: an event during a scan schedules one more scan after it.
 */
import { relative, sep } from 'node:path';
import { watch, type FSWatcher } from 'chokidar';
import type { Clock, Timer } from '../clock/Clock.js';
import type { FolderConfig } from './Folder.js';
import { IGNORE_FILE, loadIgnore } from './ignoreRules.js';
import { WATCH_DEBOUNCE_MS, WATCH_SCOPE_MAX } from './limits.js';

export interface FolderWatcherOptions {
  folder: FolderConfig;
  clock: Clock;
  /** Quiet time before scanning (ms). Default WATCH_DEBOUNCE_MS. */
  debounceMs?: number;
  /**
   * The incremental scan (and whatever follows it). `scope` is the folder-relative paths that
   * changed (pass it as ScanOptions.scope), or undefined when a full scan is due: the first event
   * burst after an error, a changed `.radiosyncignore`, or more than WATCH_SCOPE_MAX paths.
   */
  onChange: (scope: string[] | undefined) => Promise<void> | void;
  /** Scan errors (e.g. RS_ERR_FOLDER_MARKER_MISSING when a stick is pulled). Default: ignored. */
  onError?: (e: unknown) => void;
}

export class FolderWatcher {
  private readonly opts: FolderWatcherOptions;
  private watcher: FSWatcher | undefined;
  private timer: Timer | undefined;
  private running = false;
  private again = false;
  /** Paths changed since the last scan started; undefined = full scan needed. */
  private changed: Set<string> | undefined = new Set();
  /** File-system events seen (for diagnostics and tests). */
  events = 0;
  /** Scans started. */
  scans = 0;

  constructor(opts: FolderWatcherOptions) {
    this.opts = opts;
  }

  /** Start watching; resolves when chokidar has read the tree. */
  start(): Promise<void> {
    const root = this.opts.folder.root;
    const ignored = loadIgnore(root);
    this.watcher = watch(root, {
      ignoreInitial: true,
      followSymlinks: false,
      ignored: (p: string, st?: { isDirectory(): boolean }) => {
        const rel = relative(root, p).split(sep).join('/');
        return rel !== '' && ignored(rel, st?.isDirectory() ?? false);
      },
    });
    this.watcher.on('all', (_event, p) => this.notify(relative(root, p).split(sep).join('/')));
    this.watcher.on('error', (e) => this.opts.onError?.(e));
    const w = this.watcher;
    return new Promise((resolve) => w.once('ready', () => resolve()));
  }

  /** Something changed (a folder-relative path; omitted = unknown, scan everything). */
  notify(path?: string): void {
    this.events++;
    if (path === undefined || path === '' || path === IGNORE_FILE || (this.changed?.size ?? 0) >= WATCH_SCOPE_MAX) this.changed = undefined;
    else this.changed?.add(path);
    this.timer?.cancel();
    this.timer = this.opts.clock.setTimer(this.opts.debounceMs ?? WATCH_DEBOUNCE_MS, () => void this.fire());
  }

  private async fire(): Promise<void> {
    this.timer = undefined;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = true;
    try {
      do {
        this.again = false;
        this.scans++;
        const scope = this.changed === undefined ? undefined : [...this.changed];
        this.changed = new Set();
        try {
          await this.opts.onChange(scope);
        } catch (e) {
          this.changed = undefined; // something went wrong: scan everything next time
          this.opts.onError?.(e);
        }
      } while (this.again);
    } finally {
      this.running = false;
    }
  }

  async close(): Promise<void> {
    this.timer?.cancel();
    await this.watcher?.close();
  }
}
