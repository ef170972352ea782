/**
 * The heap policy (src/cli/heap.ts): bulk one-shot commands collect early (--optimize-for-size),
 * the two ends of an online session (`serve`, `sync`) keep V8's default heap.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { heapPolicy, SESSION_COMMANDS } from '../../src/cli/heap.js';

const line = (...args: string[]) => ['node', 'radiosync', ...args];

test('bulk commands run with --optimize-for-size, session commands with the default heap', () => {
  for (const c of ['init', 'export', 'import', 'capture', 'status', 'demo', 'daemon', 'receive']) assert.equal(heapPolicy(line(c, '--home', 'h')), 'size', c);
  for (const c of ['serve', 'sync']) assert.equal(heapPolicy(line(c, '--home', 'h')), 'speed', c);
  assert.deepEqual([...SESSION_COMMANDS].sort(), ['serve', 'sync']);
  // no command, or an option where the command goes: the safe default
  assert.equal(heapPolicy(line()), 'size');
  assert.equal(heapPolicy(line('--version')), 'size');
  assert.equal(heapPolicy(['node']), 'size');
});
