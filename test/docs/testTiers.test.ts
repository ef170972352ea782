/**
 * The test tiers of test/run-tests.mjs: `npm test` must pass on a machine with only Node, so a
 * test that starts a program from a Debian package (direwolf, socat, sox) lives in test/interop/.
 * This checks the test sources for the ways such a program gets started. .ci/run also runs
 * `npm test` with those programs shadowed by stubs that fail, which catches what a scan misses.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
// @ts-expect-error: a plain .mjs script without type declarations
import { INTEROP_DIR, SYSTEM_TESTS, tierOf } from '../run-tests.mjs';

const REPO = fileURLToPath(new URL('../../', import.meta.url));

function walk(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) walk(p, out);
    else if (/\.(ts|mjs)$/.test(name)) out.push(relative(REPO, p));
  }
  return out;
}

/** A direct start of a program from a Debian package, in any test source. */
const SPAWNS_DEBIAN = /spawn(?:Sync)?\(\s*['"`](?:socat|direwolf|sox|atest|gen_packets|unshare|ip)['"`]/;
/**
 * What leans on such a program, in a test file (helpers that serve both tiers, such as
 * test/cli/simSession.ts, take the choice as an argument and are caught at the call).
 */
const NEEDS_DEBIAN: Array<[RegExp, string]> = [
  [SPAWNS_DEBIAN, 'spawns a program from a Debian package'],
  [/from\s+['"][^'"]*\/interop\//, 'imports an interop helper'],
  [/openPtyPair\s*\(/, 'opens a socat pseudo-terminal pair'],
  [/ptyDir:\s*(?!false\b)[^\s,}]/, 'starts the sim hub with pseudo-terminals (socat); pass ptyDir: false'],
  [/sendAndReceiveThroughSim\(\s*['"]pty['"]/, 'runs the CLI session over the sim hub pseudo-terminal (socat)'],
  [/simStopsOnSigterm\(\s*true/, 'starts `radiosync sim` with pseudo-terminals (socat)'],
];

test('only tests in test/interop/ start programs from Debian packages (direwolf, socat, sox)', () => {
  const offenders: string[] = [];
  for (const f of walk(join(REPO, 'test'))) {
    // test/bench/ is `npm run bench`, outside the tiers (its interop bench needs Dire Wolf)
    if (f.startsWith(INTEROP_DIR) || f.startsWith('test/bench/') || f === 'test/docs/testTiers.test.ts') continue;
    const text = readFileSync(join(REPO, f), 'utf8');
    const rules: Array<[RegExp, string]> = f.endsWith('.test.ts') ? NEEDS_DEBIAN : [[SPAWNS_DEBIAN, 'spawns a program from a Debian package']];
    for (const [re, why] of rules) if (re.test(text)) offenders.push(`${f}: ${why}`);
  }
  assert.deepEqual(offenders, []);
});

test('the scan would catch a test that opens a pty pair or starts the hub with ptys', () => {
  const hits = (src: string) => NEEDS_DEBIAN.filter(([re]) => re.test(src)).length;
  assert.equal(hits("const pty = await openPtyPair();"), 1);
  assert.equal(hits("runSimHub({ stations: ['A'], ptyDir: dir })"), 1);
  assert.equal(hits("runSimHub({ stations: ['A'], ptyDir: false })"), 0);
  assert.equal(hits("spawn('socat', ['-d'])"), 1);
});

test('the tiers: interop by folder, the system list names files that exist, everything else is a unit test', () => {
  for (const p of SYSTEM_TESTS as string[]) assert.ok(existsSync(join(REPO, p)), `SYSTEM_TESTS names ${p}, which does not exist`);
  assert.equal(tierOf('test/interop/direwolf.test.ts'), 'interop');
  assert.equal(tierOf('test/cli/bundle.test.ts'), 'system');
  assert.equal(tierOf('test/sync/daemon.test.ts'), 'system');
  assert.equal(tierOf('test/framing/kiss.test.ts'), 'unit');
});
