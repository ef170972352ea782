import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { BEGIN, END, renderErrorTables } from './errorsDoc.js';
import { loadAllCatalogs } from '../../src/errors/catalog.js';

test('docs/errors.md lists exactly the codes in the source catalogs (run `npm run docs:errors`)', async () => {
  const doc = readFileSync(new URL('../../docs/errors.md', import.meta.url), 'utf8');
  const gen = doc.slice(doc.indexOf(BEGIN) + BEGIN.length, doc.indexOf(END)).trim();
  assert.equal(gen, (await renderErrorTables()).trim());
});

test('error codes are unique across layers and well formed', async () => {
  const seen = new Map<string, string>();
  for (const [layer, cat] of Object.entries(await loadAllCatalogs())) {
    for (const code of Object.keys(cat)) {
      assert.match(code, /^RS_ERR_[A-Z0-9_]+$/);
      assert.ok(!seen.has(code), `${code} in both ${seen.get(code)} and ${layer}`);
      seen.set(code, layer);
    }
  }
  assert.ok(seen.size > 0);
});
