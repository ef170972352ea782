/**
 * Validation of config objects against {@link SCHEMA}: types, bounds, unknown keys (with a
 * did-you-mean), required keys and cross-key rules. Every problem is collected; the error thrown
 * names the first bad key in `data.key` and lists all of them in `data.issues`.
 */
import { Cron } from 'croner';
import { makeError, type RadiosyncError } from '../errors/RadiosyncError.js';
import { CONFIG_ERRORS } from './errors.js';
import { SCHEMA, type StationConfig } from './schema.js';
import { isLeaf, type Leaf, type SchemaNode, type TableNode } from './schemaTypes.js';
import { didYouMean } from './suggest.js';
import { parseTncCommand } from './tncCommand.js';

export interface ConfigIssue {
  code: 'RS_ERR_CONFIG_INVALID' | 'RS_ERR_CONFIG_UNKNOWN_KEY';
  /** Dotted path, e.g. "radio.baud" or "schedule.window[0].cron". */
  key: string;
  message: string;
  /** The expected form. */
  expected?: string;
  /** For unknown keys: the closest known key (dotted path). */
  suggestion?: string;
  /** Where the value came from: a file path, "env RADIOSYNC_…", "flag", "profile …". */
  source: string;
}

export interface ValidateOptions {
  /** Where the object came from, for messages (default "config"). */
  source?: string;
  /**
   * Partial mode: only check the keys present (types, bounds, unknown keys); no defaults, no
   * required keys, no cross-key rules. Used for each layer (file, env, flags, profile) before merging.
   */
  partial?: boolean;
}

type Obj = Record<string, unknown>;

export function isPlainObject(v: unknown): v is Obj {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
  const proto: unknown = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null; // smol-toml builds tables with a null prototype
}

function describe(v: unknown): string {
  if (typeof v === 'string') return JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v);
  if (Array.isArray(v)) return 'an array';
  if (v === null) return 'null';
  if (typeof v === 'object') return v instanceof Date ? 'a date' : 'a table';
  return String(v);
}

const joinKey = (path: string, k: string): string => (path === '' ? k : `${path}.${k}`);

/** Every dotted path of the schema (map keys shown as <name>, array items as [n]), for suggestions and docs. */
export function schemaPaths(node: SchemaNode = SCHEMA, path = ''): string[] {
  if (isLeaf(node)) return [path];
  if (node.kind === 'table') return Object.entries(node.fields).flatMap(([k, n]) => schemaPaths(n, joinKey(path, k)));
  if (node.kind === 'map') return schemaPaths(node.of, joinKey(path, '<name>'));
  return schemaPaths(node.of, `${path}[n]`);
}

class Walker {
  readonly issues: ConfigIssue[] = [];
  constructor(
    private readonly source: string,
    private readonly partial: boolean,
  ) {}

  invalid(key: string, message: string, expected?: string): void {
    const i: ConfigIssue = { code: 'RS_ERR_CONFIG_INVALID', key, message, source: this.source };
    if (expected !== undefined) i.expected = expected;
    this.issues.push(i);
  }

  unknown(key: string, siblings: string[], parentPath: string): void {
    const last = key.slice(parentPath === '' ? 0 : parentPath.length + 1);
    let suggestion: string | undefined;
    const near = didYouMean(last, siblings);
    if (near !== undefined) suggestion = joinKey(parentPath, near);
    else {
      // maybe it belongs in another section: "txdelay_ms" under [station] → radio.txdelay_ms
      const all = schemaPaths().filter((p) => !p.includes('<') && !p.includes('['));
      const byLeaf = didYouMean(last, all.map((p) => p.slice(p.lastIndexOf('.') + 1)));
      if (byLeaf !== undefined) suggestion = all.find((p) => p.endsWith(`.${byLeaf}`) || p === byLeaf);
    }
    const i: ConfigIssue = {
      code: 'RS_ERR_CONFIG_UNKNOWN_KEY',
      key,
      message: `unknown key "${key}"${suggestion ? ` (did you mean "${suggestion}"?)` : ''}`,
      source: this.source,
    };
    if (suggestion !== undefined) i.suggestion = suggestion;
    this.issues.push(i);
  }

  node(n: SchemaNode, v: unknown, path: string): unknown {
    if (isLeaf(n)) return this.leaf(n, v, path);
    if (n.kind === 'table') return this.table(n, v, path);
    if (n.kind === 'map') {
      if (v === undefined) return this.partial ? undefined : {};
      if (!isPlainObject(v)) {
        this.invalid(path, `${path} must be a table of ${n.keyForm} = …, got ${describe(v)}`, `a table of ${n.keyForm} = …`);
        return this.partial ? undefined : {};
      }
      const out: Obj = {};
      const keys = Object.keys(v);
      if (keys.length > n.maxEntries) this.invalid(path, `${path} has ${keys.length} entries; at most ${n.maxEntries} are allowed`);
      for (const k of keys) {
        const p = `${path}.${k}`;
        if (!n.keyPattern.test(k)) {
          this.invalid(p, `${p}: "${k}" is not ${n.keyForm}`, n.keyForm);
          continue;
        }
        out[k] = this.node(n.of, v[k], p);
      }
      return out;
    }
    // array of tables
    if (v === undefined) return this.partial ? undefined : [];
    if (!Array.isArray(v)) {
      this.invalid(path, `${path} must be an array of tables ([[${path}]]), got ${describe(v)}`, `[[${path}]] tables`);
      return this.partial ? undefined : [];
    }
    if (v.length > n.maxItems) this.invalid(path, `${path} has ${v.length} entries; at most ${n.maxItems} are allowed`);
    return v.map((item, i) => this.table(n.of, item, `${path}[${i}]`, true));
  }

  table(n: TableNode, v: unknown, path: string, element = false): unknown {
    if (v === undefined && !element) {
      if (this.partial) return undefined;
      v = {};
    }
    if (!isPlainObject(v)) {
      const what = path === '' ? 'the config' : path;
      this.invalid(path, `${what} must be a table, got ${describe(v)}`, 'a table');
      return this.partial ? undefined : this.table(n, {}, path);
    }
    const out: Obj = {};
    for (const k of Object.keys(v)) if (!(k in n.fields)) this.unknown(joinKey(path, k), Object.keys(n.fields), path);
    for (const [k, child] of Object.entries(n.fields)) {
      const r = this.node(child, v[k], joinKey(path, k));
      if (r !== undefined) out[k] = r;
    }
    return out;
  }

  leaf(n: Leaf, v: unknown, path: string): unknown {
    if (v === undefined) {
      if (this.partial) return undefined;
      if (n.kind === 'string' && n.allowEmpty === false && n.default === '') {
        this.invalid(path, `${path} is required: ${n.form}`, n.form);
      }
      return structuredClone(n.default);
    }
    const bad = (): unknown => {
      this.invalid(path, `${path} must be ${n.form}, got ${describe(v)}`, n.form);
      return this.partial ? undefined : structuredClone(n.default);
    };
    switch (n.kind) {
      case 'string': {
        if (typeof v !== 'string') return bad();
        if (v === '' && n.allowEmpty === false) return bad();
        if (v !== '' && n.pattern && !n.pattern.test(v)) return bad();
        return n.normalize ? n.normalize(v) : v;
      }
      case 'int':
        if (typeof v === 'bigint') return bad();
        if (typeof v !== 'number' || !Number.isInteger(v) || v < n.min || v > n.max) return bad();
        return v;
      case 'number':
        if (typeof v !== 'number' || !Number.isFinite(v) || v < n.min || v > n.max) return bad();
        return v;
      case 'bool':
        if (typeof v !== 'boolean') return bad();
        return v;
      case 'enum':
        if (typeof v !== 'string' || !n.values.includes(v)) return bad();
        return v;
      case 'string[]': {
        if (!Array.isArray(v) || v.length > n.maxItems) return bad();
        const out: string[] = [];
        for (const [i, item] of v.entries()) {
          if (typeof item !== 'string' || (n.pattern && !n.pattern.test(item))) {
            this.invalid(`${path}[${i}]`, `${path}[${i}] must be ${n.form.replace(/^a list of /, 'one of ')}, got ${describe(item)}`, n.form);
            continue;
          }
          out.push(n.normalize ? n.normalize(item) : item);
        }
        return out;
      }
    }
  }
}

/** Cross-key rules on a complete config. */
function crossCheck(c: StationConfig, w: Walker): void {
  if (c.radio.transport === 'serial' && c.radio.port === '') {
    w.invalid('radio.port', 'radio.port is required when radio.transport = "serial" (e.g. "/dev/ttyUSB0")', 'a device path');
  }
  for (const key of ['init', 'exit'] as const) {
    c.radio[key].forEach((cmd, i) => {
      const r = parseTncCommand(cmd);
      if (!r.ok) w.invalid(`radio.${key}[${i}]`, `radio.${key}[${i}]: ${r.error}`, 'text, or "hex:" and hex byte pairs');
    });
  }
  const usesMaster = c.records.conflict === 'master' || Object.values(c.records.table).some((t) => t.conflict === 'master');
  if (usesMaster && c.records.master === '') {
    w.invalid('records.master', 'records.master is required when a conflict policy is "master" (the callsign whose edits win)', 'a callsign');
  }
  if (c.records.tables.length > 0 && c.records.db === '') {
    w.invalid('records.db', 'records.db is required when records.tables is not empty', 'a file path');
  }
  const tables = new Set(c.records.tables);
  for (const [name, t] of Object.entries(c.records.table)) {
    if (!tables.has(name)) {
      const near = didYouMean(name, tables);
      w.invalid(`records.table.${name}`, `records.table.${name}: "${name}" is not in records.tables${near ? ` (did you mean "${near}"?)` : ''}`, 'a table listed in records.tables');
    }
    for (const [col, target] of Object.entries(t.foreign_keys)) {
      if (!tables.has(target)) {
        w.invalid(`records.table.${name}.foreign_keys.${col}`, `records.table.${name}.foreign_keys.${col}: "${target}" is not in records.tables`, 'a table listed in records.tables');
      }
    }
  }
  try {
    new Intl.DateTimeFormat('en', { timeZone: c.schedule.timezone });
  } catch {
    w.invalid('schedule.timezone', `schedule.timezone must be an IANA timezone such as "UTC" or "Europe/Oslo", got "${c.schedule.timezone}"`, 'an IANA timezone');
  }
  c.schedule.window.forEach((win, i) => {
    if (win.cron === '') return;
    try {
      new Cron(win.cron, { paused: true, timezone: 'UTC' }).nextRun(new Date(0));
    } catch (e) {
      w.invalid(`schedule.window[${i}].cron`, `schedule.window[${i}].cron: "${win.cron}" is not a valid cron expression (${(e as Error).message})`, 'a cron expression, e.g. "0 */2 * * *"');
    }
  });
  if (c.limits.partial_transfers_per_sender > c.limits.partial_transfers_total) {
    w.invalid('limits.partial_transfers_per_sender', 'limits.partial_transfers_per_sender must not exceed limits.partial_transfers_total', `an integer ≤ ${c.limits.partial_transfers_total}`);
  }
}

/** Turn collected issues into one typed error (the first issue decides code and data.key). */
export function issuesToError(issues: readonly ConfigIssue[]): RadiosyncError {
  const first = issues[0]!;
  const lines = issues.slice(0, 10).map((i) => `  ${i.source}: ${i.message}`);
  if (issues.length > 10) lines.push(`  … and ${issues.length - 10} more`);
  const msg = issues.length === 1 ? `${first.source}: ${first.message}` : `${issues.length} problems in the config:\n${lines.join('\n')}`;
  const data: Record<string, unknown> = { key: first.key, source: first.source, issues: issues.map((i) => ({ ...i })) };
  if (first.expected !== undefined) data.expected = first.expected;
  if (first.suggestion !== undefined) data.suggestion = first.suggestion;
  return makeError(CONFIG_ERRORS, first.code, msg, data);
}

/** Collect the problems of a (partial or complete) config object without throwing. */
export function checkConfig(obj: unknown, opts: ValidateOptions = {}): { value: unknown; issues: ConfigIssue[] } {
  const w = new Walker(opts.source ?? 'config', opts.partial ?? false);
  const value = w.table(SCHEMA, obj, '');
  if (!opts.partial && w.issues.length === 0) crossCheck(value as StationConfig, w);
  return { value, issues: w.issues };
}

/**
 * Validate a complete config object (as parsed from TOML, layers already merged) and fill in every
 * default. Throws RS_ERR_CONFIG_INVALID / RS_ERR_CONFIG_UNKNOWN_KEY naming the bad key.
 */
export function validateConfig(obj: unknown, opts: Omit<ValidateOptions, 'partial'> = {}): StationConfig {
  const { value, issues } = checkConfig(obj, opts);
  if (issues.length > 0) throw issuesToError(issues);
  return value as StationConfig;
}
