import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { DIAGNOSTICS } from '../../src/diagnostics/DIAGNOSTICS.js';
import { FILES_DIAGNOSTICS } from '../../src/files/diagnostics.js';

test('diagnostics channel names are radiosync:<layer>:<event>, unique, and documented in the module header', () => {
  const src = readFileSync(new URL('../../src/diagnostics/DIAGNOSTICS.ts', import.meta.url), 'utf8');
  const header = src.slice(0, src.indexOf('*/'));
  const all: string[] = [...Object.values(FILES_DIAGNOSTICS)];
  for (const [layer, events] of Object.entries(DIAGNOSTICS)) {
    for (const name of Object.values(events)) {
      assert.match(name, new RegExp(`^radiosync:${layer}:[a-z]+(-[a-z]+)*$`));
      assert.ok(header.includes(`\`${name}\``), `${name} is listed in the header of DIAGNOSTICS.ts`);
      all.push(name);
    }
  }
  assert.equal(new Set(all).size, all.length, 'no name is used twice (files/diagnostics.ts included)');
});
