/**
 * Writing a config back out as commented TOML (for `radiosync init`, and `radiosync config show`).
 * Every key of the schema appears with its one-line doc; keys still at their default are written
 * commented out (`# baud = 9600`), so a hardware profile can fill them and the file shows what is
 * set on purpose. Round trip: validateConfig(parse(renderConfig(c))) equals c when c has no profile.
 */
import { stringify } from 'smol-toml';
import { SCHEMA, type StationConfig } from './schema.js';
import { isLeaf, type Leaf, type SchemaNode, type TableNode } from './schemaTypes.js';

type Obj = Record<string, unknown>;

const BARE_KEY = /^[A-Za-z0-9_-]+$/;
const tomlKey = (k: string): string => (BARE_KEY.test(k) ? k : JSON.stringify(k));

/** One TOML value (as it appears after `key = `). */
export function tomlValue(v: unknown): string {
  if (v !== null && typeof v === 'object' && !Array.isArray(v)) {
    const parts = Object.entries(v as Obj).map(([k, x]) => `${tomlKey(k)} = ${tomlValue(x)}`);
    return parts.length === 0 ? '{}' : `{ ${parts.join(', ')} }`;
  }
  return stringify({ v }).replace(/^v = /, '').replace(/\n$/, '');
}

const same = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);

function comment(text: string, indent = ''): string[] {
  return text.split('\n').map((l) => `${indent}# ${l}`.trimEnd());
}

function leafLines(key: string, leaf: Leaf, value: unknown, forceSet: boolean): string[] {
  const line = `${tomlKey(key)} = ${tomlValue(value)}`;
  const required = leaf.kind === 'string' && leaf.allowEmpty === false && leaf.default === '';
  const out = comment(leaf.doc);
  out.push(forceSet || required || !same(value, leaf.default) ? line : `# ${line}`);
  return out;
}

function renderTable(node: TableNode, value: Obj, header: string, lines: string[], forceSet = false): void {
  const leaves = Object.entries(node.fields).filter(([, n]) => isLeaf(n) || (n.kind === 'map' && isLeaf(n.of)) === true);
  const subs = Object.entries(node.fields).filter(([, n]) => !(isLeaf(n) || (n.kind === 'map' && isLeaf(n.of))));
  if (header !== '') {
    lines.push(`[${header}]`);
  }
  for (const [k, n] of leaves) {
    if (isLeaf(n)) lines.push(...leafLines(k, n, value[k], forceSet));
    else if (n.kind === 'map') {
      // a map of plain values inside a table: one inline table
      lines.push(...comment(n.doc));
      const v = (value[k] ?? {}) as Obj;
      lines.push(Object.keys(v).length > 0 ? `${tomlKey(k)} = ${tomlValue(v)}` : `# ${tomlKey(k)} = { ${n.example} }`);
    }
  }
  for (const [k, n] of subs) renderNode(n, value[k], header === '' ? tomlKey(k) : `${header}.${tomlKey(k)}`, lines);
}

function renderNode(n: SchemaNode, value: unknown, header: string, lines: string[]): void {
  if (isLeaf(n)) return;
  lines.push('');
  if (n.kind === 'table') {
    lines.push(...comment(n.doc));
    renderTable(n, (value ?? {}) as Obj, header, lines);
    return;
  }
  if (n.kind === 'map') {
    lines.push(...comment(n.doc));
    const v = (value ?? {}) as Obj;
    if (isLeaf(n.of)) {
      lines.push(`[${header}]`);
      const entries = Object.entries(v);
      if (entries.length === 0) lines.push(...comment(n.example));
      for (const [k, x] of entries) lines.push(`${tomlKey(k)} = ${tomlValue(x)}`);
      return;
    }
    const entries = Object.entries(v);
    if (entries.length === 0) lines.push(...comment(n.example));
    for (const [k, x] of entries) {
      lines.push('');
      renderTable(n.of as TableNode, x as Obj, `${header}.${tomlKey(k)}`, lines, true);
    }
    return;
  }
  lines.push(...comment(n.doc));
  const items = (value ?? []) as Obj[];
  if (items.length === 0) lines.push(...comment(n.example));
  for (const item of items) {
    lines.push(`[[${header}]]`);
    for (const [k, f] of Object.entries(n.of.fields)) if (isLeaf(f)) lines.push(`${tomlKey(k)} = ${tomlValue(item[k])}`);
  }
}

/** The config as commented TOML. */
export function renderConfig(cfg: StationConfig, opts: { header?: string } = {}): string {
  const lines: string[] = [
    ...comment(
      opts.header ??
        'radiosync station config. Every key is documented in docs/config.md.\nCommented-out keys show their default. Env vars RADIOSYNC_<SECTION>_<KEY> and flags override this file.',
    ),
  ];
  for (const [k, n] of Object.entries(SCHEMA.fields)) renderNode(n, (cfg as unknown as Obj)[k], k, lines);
  return `${lines.join('\n')}\n`;
}
