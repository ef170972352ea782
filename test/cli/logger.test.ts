import { test } from 'node:test';
import assert from 'node:assert/strict';
import { boundedStderr } from '../../src/cli/logger.js';

test('logs are bounded per hour: lines past the limit are dropped and counted, the next hour says how many', async () => {
  let t = 0;
  const out: string[] = [];
  const w = boundedStderr(100, () => t, (c) => void out.push(c.toString()));
  const line = 'x'.repeat(39) + '\n'; // 40 bytes
  const write = (s: string) => new Promise<void>((r) => w.write(s, () => r()));
  for (let i = 0; i < 5; i++) await write(line);
  assert.equal(out.length, 2, 'only 80 of the 100 bytes fit, the third line would exceed');
  t = 3_600_000;
  await write(line);
  assert.match(out[2]!, /"dropped":3/);
  assert.equal(out[3], line);
});
