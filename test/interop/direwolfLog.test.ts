import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodedFrames, parseFrameLine, summarizeLog } from './direwolfLog.js';

// Lines as Dire Wolf 1.6 printed them in the harness.
const LOG = [
  'N0BBB audio level = 50(26/24)   [NONE]   |||||||__',
  '[0.3] N0BBB>BEACON:radiosync interop beacon',
  '[0L] N0AAA>N0BBB:RSIT<0x00><0x00><0x00><0x01>',
  '[0L] N0AAA>N0BBB:(SABME cmd, p=1)',
  '[0.3] N0BBB>N0AAA:(UA res, f=1)',
  '[0L] N0AAA>N0BBB:(I cmd, n(s)=0, n(r)=0, p=0, pid=0xf0)abc',
  '[0L] N0AAA>N0BBB:(I cmd, n(s)=1, n(r)=0, p=0, pid=0xf0)def',
  'Stream 0: Connected to N0BBB.  (v2.2)',
  'N0AAA audio level = 151(30/33)    _7013____',
  'N0AAA audio level = 90(+138/-133)    82200022_',
  'N0AAA audio level = 50(+40/-41)   [NONE]   ___|||||_',
];

test('frame lines: transmitted vs decoded, callsigns and info', () => {
  assert.deepEqual(parseFrameLine(LOG[1]!), { transmitted: false, source: 'N0BBB', destination: 'BEACON', info: 'radiosync interop beacon' });
  assert.equal(parseFrameLine(LOG[2]!)?.transmitted, true);
  assert.equal(parseFrameLine(LOG[0]!), null);
  assert.equal(parseFrameLine(LOG[7]!), null);
});

test('summary counts frames and connected-mode frame types', () => {
  const s = summarizeLog(LOG);
  assert.equal(s.transmitted, 4);
  assert.equal(s.decoded, 2);
  assert.deepEqual(s.txKinds, { SABME: 1, I: 2 });
  assert.equal(s.fx25Decodes, 2, 'the FX.25 level lines (1200 and 9600 forms), not the plain ones');
  assert.deepEqual(decodedFrames(LOG).map((f) => f.source), ['N0BBB', 'N0BBB']);
});
