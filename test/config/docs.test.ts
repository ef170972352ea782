import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { configReference } from '../../src/config/configReference.js';
import { envVariables } from '../../src/config/overrides.js';

const doc = readFileSync(new URL('../../docs/config.md', import.meta.url), 'utf8');

test('docs/config.md carries the generated key reference, up to date', () => {
  const m = /<!-- BEGIN GENERATED: config reference -->\n([\s\S]*)<!-- END GENERATED: config reference -->/.exec(doc);
  assert.ok(m, 'markers present');
  assert.equal(m[1], configReference(), 'regenerate the reference (see docs/config.md)');
});

test('every env var is documented', () => {
  for (const v of envVariables()) assert.ok(doc.includes(v.name), v.name);
});
