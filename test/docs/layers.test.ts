/**
 * The layering rule (docs/architecture.md, STYLE.md): each folder of src/ is a layer, lower layers
 * never import higher ones, and no file imports itself through others. The imports are read from
 * the sources (static, type-only, re-exports and dynamic `import('…')`), and the table of layers in
 * docs/architecture.md, with the layers each one imports, must say exactly what the code does.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SRC, sources } from './sources.js';

const REPO = fileURLToPath(new URL('../../', import.meta.url));

/** Every relative module a source imports or re-exports, as a path under src/ ending in .ts. */
export function importsOf(file: string, text: string): string[] {
  const specs = new Set<string>();
  const patterns = [
    /^\s*(?:import|export)\s[^;]*?\sfrom\s*['"]([^'"]+)['"]/gm, // import … from, export … from (also `import type`)
    /^\s*import\s*['"]([^'"]+)['"]/gm, // import 'x' for its effects
    /\bimport\(\s*['"]([^'"]+)['"]\s*\)/g, // dynamic import
  ];
  for (const re of patterns) for (const m of text.matchAll(re)) specs.add(m[1]!);
  return [...specs].filter((s) => s.startsWith('.')).map((s) => normalize(join(dirname(file), s)).replace(/\.js$/, '.ts'));
}

const layerOf = (file: string) => (file.includes('/') ? file.slice(0, file.indexOf('/')) : file.replace(/\.ts$/, ''));

function graph(): Map<string, string[]> {
  const g = new Map<string, string[]>();
  for (const f of sources()) g.set(f, importsOf(f, readFileSync(join(SRC, f), 'utf8')));
  return g;
}

/** Strongly connected components with more than one file, or a file importing itself (Tarjan). */
function cycles(g: Map<string, string[]>): string[][] {
  let index = 0;
  const idx = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const on = new Set<string>();
  const out: string[][] = [];
  const visit = (v: string): void => {
    idx.set(v, index);
    low.set(v, index++);
    stack.push(v);
    on.add(v);
    for (const w of g.get(v) ?? []) {
      if (!g.has(w)) continue;
      if (!idx.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (on.has(w)) low.set(v, Math.min(low.get(v)!, idx.get(w)!));
    }
    if (low.get(v) === idx.get(v)) {
      const comp: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        on.delete(w);
        comp.push(w);
      } while (w !== v);
      if (comp.length > 1 || (g.get(v) ?? []).includes(v)) out.push(comp.sort());
    }
  };
  for (const v of [...g.keys()].sort()) if (!idx.has(v)) visit(v);
  return out;
}

/** The table of docs/architecture.md: layer → the layers it imports, in table order. */
function documentedLayers(): Array<{ layer: string; imports: Set<string> }> {
  const doc = readFileSync(join(REPO, 'docs/architecture.md'), 'utf8');
  const rows: Array<{ layer: string; imports: Set<string> }> = [];
  for (const m of doc.matchAll(/^\| `([a-z]+)\/` \|.*\| ([^|]*) \|$/gm)) {
    const cell = m[2]!.replace(/\([^)]*\)/g, '').trim();
    rows.push({ layer: m[1]!, imports: new Set(cell === '—' ? [] : cell.split(',').map((s) => s.trim()).filter(Boolean)) });
  }
  return rows;
}

test('the import scanner sees static, type-only, re-exported and dynamic imports', () => {
  const text = [
    "import { a } from './a.js';",
    "import type { B } from '../b/B.js';",
    "export * from './c.js';",
    "export { d } from './d.js';",
    "import {\n  e,\n  f,\n} from './ef.js';",
    "const { G } = await import('./g.js');",
    "import 'node:fs';",
  ].join('\n');
  assert.deepEqual(importsOf('x/y.ts', text).sort(), ['b/B.ts', 'x/a.ts', 'x/c.ts', 'x/d.ts', 'x/ef.ts', 'x/g.ts']);
});

test('the cycle finder finds a cycle', () => {
  const g = new Map([['a.ts', ['b.ts']], ['b.ts', ['c.ts']], ['c.ts', ['a.ts']], ['d.ts', ['a.ts']]]);
  assert.deepEqual(cycles(g), [['a.ts', 'b.ts', 'c.ts']]);
});

test('no import cycles in src/', () => {
  assert.deepEqual(cycles(graph()), []);
});

test('every import resolves to a file in src/', () => {
  const g = graph();
  const missing = [...g].flatMap(([f, deps]) => deps.filter((d) => !g.has(d)).map((d) => `${f} → ${d}`));
  assert.deepEqual(missing, []);
});

test('docs/architecture.md lists every layer with exactly the layers it imports, lower layers first', () => {
  const rows = documentedLayers();
  const actual = new Map<string, Set<string>>();
  for (const [f, deps] of graph()) {
    const from = layerOf(f);
    if (from === 'index') continue;
    const set = actual.get(from) ?? new Set<string>();
    for (const d of deps) if (layerOf(d) !== from) set.add(layerOf(d));
    actual.set(from, set);
  }
  assert.deepEqual(rows.map((r) => r.layer).sort(), [...actual.keys()].sort(), 'the table names every folder of src/');
  const order = rows.map((r) => r.layer);
  for (const { layer, imports } of rows) {
    assert.deepEqual([...actual.get(layer)!].sort(), [...imports].sort(), `imports of ${layer}/`);
    if (layer === 'cli') continue; // cli imports src/index.ts, the top
    for (const dep of imports) assert.ok(order.indexOf(dep) < order.indexOf(layer), `${layer}/ imports ${dep}/, which the table places above it`);
  }
});

test("src/index.ts names the layers in the table's order", () => {
  const head = readFileSync(join(SRC, 'index.ts'), 'utf8');
  const m = /Layers, lowest first: ([^.]+)\./.exec(head.replace(/\n \* /g, ' '));
  assert.ok(m, 'src/index.ts has a "Layers, lowest first: a → b → …." line');
  assert.deepEqual(m[1]!.split('→').map((s) => s.trim()), documentedLayers().map((r) => r.layer).filter((l) => l !== 'cli'));
});

test('cli imports only the public API (src/index.ts)', () => {
  const bad = [...graph()].filter(([f]) => f.startsWith('cli/')).flatMap(([f, deps]) => deps.filter((d) => !d.startsWith('cli/') && d !== 'index.ts').map((d) => `${f} → ${d}`));
  assert.deepEqual(bad, []);
});
