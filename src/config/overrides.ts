/**
 * The override layers above the config file: RADIOSYNC_<SECTION>_<KEY> environment variables,
 * then flags (a plain object from the CLI, nested or with dotted keys). Both may carry strings
 * for numeric or boolean keys; they are coerced by the schema's type for that key.
 */
import { ENV_PREFIX, SCHEMA, schemaAt } from './schema.js';
import { isLeaf, type Leaf, type SchemaNode } from './schemaTypes.js';
import { didYouMean } from './suggest.js';
import { isPlainObject, type ConfigIssue } from './validateConfig.js';

type Obj = Record<string, unknown>;

/** Every environment variable radiosync reads for the config, with its dotted key. */
export function envVariables(): Array<{ name: string; key: string; leaf: Leaf }> {
  const out: Array<{ name: string; key: string; leaf: Leaf }> = [];
  const walk = (n: SchemaNode, path: string[]): void => {
    if (isLeaf(n)) {
      if (n.env !== false) out.push({ name: ENV_PREFIX + path.join('_').toUpperCase(), key: path.join('.'), leaf: n });
      return;
    }
    if (n.kind === 'table') for (const [k, c] of Object.entries(n.fields)) walk(c, [...path, k]);
    // maps and arrays of tables are file-only
  };
  walk(SCHEMA, []);
  return out;
}

/** The env var name for a dotted key, e.g. "radio.txdelay_ms" → "RADIOSYNC_RADIO_TXDELAY_MS". */
export function envName(key: string): string {
  return ENV_PREFIX + key.replace(/\./g, '_').toUpperCase();
}

/** Coerce a string (env var or flag) to the leaf's type; unchanged when it is not a string. */
export function coerce(leaf: Leaf, raw: unknown): { ok: true; value: unknown } | { ok: false } {
  if (typeof raw !== 'string') return { ok: true, value: raw };
  const s = raw.trim();
  switch (leaf.kind) {
    case 'int':
    case 'number': {
      if (!/^-?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?$/.test(s.replace(/_/g, ''))) return { ok: false };
      return { ok: true, value: Number(s.replace(/_/g, '')) };
    }
    case 'bool': {
      const l = s.toLowerCase();
      if (['true', '1', 'yes', 'on'].includes(l)) return { ok: true, value: true };
      if (['false', '0', 'no', 'off'].includes(l)) return { ok: true, value: false };
      return { ok: false };
    }
    case 'string[]': {
      if (s.startsWith('[')) {
        try {
          const v: unknown = JSON.parse(s);
          return Array.isArray(v) ? { ok: true, value: v } : { ok: false };
        } catch {
          return { ok: false };
        }
      }
      return { ok: true, value: s === '' ? [] : s.split(',').map((x) => x.trim()).filter((x) => x !== '') };
    }
    default:
      return { ok: true, value: raw };
  }
}

function setPath(obj: Obj, path: readonly string[], value: unknown): void {
  let o = obj;
  for (const k of path.slice(0, -1)) {
    if (!isPlainObject(o[k])) o[k] = {};
    o = o[k] as Obj;
  }
  o[path[path.length - 1]!] = value;
}

/**
 * The config layer from environment variables. Variables that start with RADIOSYNC_ followed by a
 * section name (RADIOSYNC_RADIO_…) must name a known key; other RADIOSYNC_* variables (such as
 * RADIOSYNC_HOME) are not config and are ignored.
 */
export function envLayer(env: Readonly<Record<string, string | undefined>>): { layer: Obj; issues: ConfigIssue[] } {
  const vars = envVariables();
  const byName = new Map(vars.map((v) => [v.name, v]));
  const sections = Object.keys(SCHEMA.fields).map((s) => `${ENV_PREFIX}${s.toUpperCase()}_`);
  const layer: Obj = {};
  const issues: ConfigIssue[] = [];
  for (const [name, raw] of Object.entries(env)) {
    if (raw === undefined || !name.startsWith(ENV_PREFIX)) continue;
    const v = byName.get(name);
    if (!v) {
      if (sections.some((p) => name.startsWith(p))) {
        const near = didYouMean(name, byName.keys());
        const i: ConfigIssue = {
          code: 'RS_ERR_CONFIG_UNKNOWN_KEY',
          key: name,
          message: `unknown environment variable ${name}${near ? ` (did you mean ${near}?)` : ''}`,
          source: `env ${name}`,
        };
        if (near) i.suggestion = byName.get(near)!.key;
        issues.push(i);
      }
      continue;
    }
    const c = coerce(v.leaf, raw);
    if (!c.ok) {
      issues.push({
        code: 'RS_ERR_CONFIG_INVALID',
        key: v.key,
        message: `${v.key} must be ${v.leaf.form}, got ${JSON.stringify(raw)}`,
        expected: v.leaf.form,
        source: `env ${name}`,
      });
      continue;
    }
    setPath(layer, v.key.split('.'), c.value);
  }
  return { layer, issues };
}

/**
 * The config layer from CLI flags: `{ radio: { baud: 9600 } }` or `{ 'radio.baud': '9600' }`
 * (both forms may be mixed). String values for numeric/boolean/list keys are coerced.
 */
export function flagLayer(overrides: Readonly<Obj>): { layer: Obj; issues: ConfigIssue[] } {
  const layer: Obj = {};
  const issues: ConfigIssue[] = [];
  const visit = (v: unknown, path: string[]): void => {
    if (v === undefined) return; // an option the user did not give (commander leaves it undefined)
    const node = schemaAt(path);
    if (isPlainObject(v) && (!node || !isLeaf(node))) {
      for (const [k, x] of Object.entries(v)) visit(x, [...path, ...k.split('.')]);
      return;
    }
    if (node && isLeaf(node)) {
      const c = coerce(node, v);
      if (!c.ok) {
        const key = path.join('.');
        issues.push({ code: 'RS_ERR_CONFIG_INVALID', key, message: `${key} must be ${node.form}, got ${JSON.stringify(v)}`, expected: node.form, source: 'flag' });
        return;
      }
      setPath(layer, path, c.value);
      return;
    }
    // unknown keys and non-leaf values go through as-is: validation reports them
    setPath(layer, path, v);
  };
  visit(overrides, []);
  return { layer, issues };
}

/** Deep merge of config layers: tables merge key by key, everything else (arrays too) is replaced. */
export function mergeLayers(...layers: ReadonlyArray<Obj | undefined>): Obj {
  const out: Obj = {};
  for (const l of layers) {
    if (!l) continue;
    for (const [k, v] of Object.entries(l)) {
      if (v === undefined) continue;
      out[k] = isPlainObject(v) && isPlainObject(out[k]) ? mergeLayers(out[k] as Obj, v) : isPlainObject(v) ? mergeLayers(v) : structuredClone(v);
    }
  }
  return out;
}
