/**
 * The key reference of docs/config.md, generated from the schema so the doc cannot drift:
 * one Markdown table per section with key, type, default, env var and meaning.
 */
import { envName } from './overrides.js';
import { SCHEMA } from './schema.js';
import { isLeaf, type Leaf, type SchemaNode, type TableNode } from './schemaTypes.js';

const esc = (s: string): string => s.replace(/\|/g, '\\|');

function typeOf(l: Leaf): string {
  switch (l.kind) {
    case 'int':
      return `integer ${l.min}..${l.max}`;
    case 'number':
      return `number ${l.min}..${l.max}`;
    case 'enum':
      return l.values.filter((v) => v !== '').map((v) => `"${v}"`).join(' | ');
    case 'string[]':
      return 'list of strings';
    default:
      return l.kind;
  }
}

function defaultOf(l: Leaf): string {
  if (l.kind === 'string' && l.allowEmpty === false && l.default === '') return '*required*';
  return `\`${JSON.stringify(l.default)}\``;
}

function rows(node: TableNode, path: string, out: string[], env: boolean): void {
  for (const [k, n] of Object.entries(node.fields)) {
    const key = path === '' ? k : `${path}.${k}`;
    if (isLeaf(n)) {
      const ev = env && n.env !== false ? `\`${envName(key)}\`` : '—';
      out.push(`| \`${key}\` | ${esc(typeOf(n))} | ${esc(defaultOf(n))} | ${ev} | ${esc(n.doc)} |`);
    } else if (n.kind === 'table') rows(n, key, out, env);
    else if (n.kind === 'map') {
      out.push(`| \`${key}.<name>\` | table of ${esc(n.keyForm)} | \`{}\` | — | ${esc(n.doc)} |`);
      if (!isLeaf(n.of)) rows(n.of as TableNode, `${key}.<name>`, out, false);
    } else {
      out.push(`| \`[[${key}]]\` | array of tables (≤ ${n.maxItems}) | \`[]\` | — | ${esc(n.doc)} |`);
      rows(n.of, `${key}[n]`, out, false);
    }
  }
}

/** Markdown reference of every key. */
export function configReference(): string {
  const parts: string[] = [];
  for (const [section, node] of Object.entries(SCHEMA.fields) as Array<[string, SchemaNode]>) {
    parts.push(`### [${section}]`, '', node.doc, '', '| key | type | default | env var | meaning |', '|---|---|---|---|---|');
    const out: string[] = [];
    if (node.kind === 'table') rows(node, section, out, true);
    else rows({ kind: 'table', doc: '', fields: { [section]: node } }, '', out, true);
    parts.push(...out, '');
  }
  return parts.join('\n');
}
