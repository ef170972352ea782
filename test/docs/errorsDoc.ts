import { EXIT } from '../../src/errors/RadiosyncError.js';
import { loadAllCatalogs } from '../../src/errors/catalog.js';

const EXIT_NAMES = Object.fromEntries(Object.entries(EXIT).map(([k, v]) => [v, k]));

/** The generated part of docs/errors.md, between the markers. */
export async function renderErrorTables(): Promise<string> {
  const cats = await loadAllCatalogs();
  const lines: string[] = [];
  for (const layer of Object.keys(cats).sort()) {
    lines.push(`### ${layer}`, '', '| code | exit | meaning |', '|---|---|---|');
    for (const code of Object.keys(cats[layer]!).sort()) {
      const s = cats[layer]![code]!;
      lines.push(`| \`${code}\` | ${s.exit} (${EXIT_NAMES[s.exit] ?? '?'}) | ${s.description.replace(/\|/g, '\\|')} |`);
    }
    lines.push('');
  }
  return lines.join('\n');
}

export const BEGIN = '<!-- BEGIN GENERATED: npm run docs:errors -->';
export const END = '<!-- END GENERATED -->';

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split('/').pop()!)) {
  const { readFileSync, writeFileSync } = await import('node:fs');
  const path = new URL('../../docs/errors.md', import.meta.url);
  const doc = readFileSync(path, 'utf8');
  const a = doc.indexOf(BEGIN);
  const b = doc.indexOf(END);
  if (a < 0 || b < 0) throw new Error('docs/errors.md lacks the generated-section markers');
  writeFileSync(path, doc.slice(0, a + BEGIN.length) + '\n\n' + (await renderErrorTables()) + '\n' + doc.slice(b));
  console.log('docs/errors.md updated');
}
