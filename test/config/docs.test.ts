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

test("README's config example is valid, and its [radio] names the TNC it says (host:port, KISS channel 0)", async () => {
  const { parseConfigText, resolveConfig } = await import('../../src/config/index.js');
  const { transportFromConfig } = await import('../../src/sync/openAir.js');
  const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
  const m = /## Config[\s\S]*?```toml\n([\s\S]*?)```/.exec(readme);
  assert.ok(m, 'the README has a toml block under "## Config"');
  const { config } = resolveConfig(parseConfigText(m[1]!, 'README.md'), { env: {} });
  assert.deepEqual(transportFromConfig(config.radio), { kind: 'kiss-tcp', host: '127.0.0.1', port: 8001 });
  assert.equal(config.radio.kiss_port, 0);
});
