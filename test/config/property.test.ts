import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { validateConfig } from '../../src/config/validateConfig.js';
import { parseConfigText, resolveConfig } from '../../src/config/loadConfig.js';
import { isRadiosyncError } from '../../src/errors/RadiosyncError.js';

const keys = fc.constantFrom('station', 'radio', 'records', 'folders', 'schedule', 'budget', 'limits', 'logging', 'callsign', 'baud', 'window', 'table', 'peers', 'x');

test('property: any object either validates or throws a typed config error naming a key', () => {
  fc.assert(
    fc.property(fc.dictionary(keys, fc.jsonValue({ maxDepth: 3 }), { maxKeys: 6 }), (obj) => {
      try {
        validateConfig({ station: { callsign: 'N0CALL' }, ...obj });
      } catch (e) {
        assert.ok(isRadiosyncError(e), String(e));
        assert.ok(e.code === 'RS_ERR_CONFIG_INVALID' || e.code === 'RS_ERR_CONFIG_UNKNOWN_KEY', e.code);
        assert.equal(typeof e.data.key, 'string');
      }
    }),
    { seed: 42, numRuns: 500 },
  );
});

test('property: random text is parsed or rejected with RS_ERR_CONFIG_PARSE, never a crash', () => {
  fc.assert(
    fc.property(fc.string({ maxLength: 200 }), (text) => {
      try {
        const obj = parseConfigText(text);
        try {
          resolveConfig(obj, { env: {} });
        } catch (e) {
          assert.ok(isRadiosyncError(e), String(e));
        }
      } catch (e) {
        assert.ok(isRadiosyncError(e, 'RS_ERR_CONFIG_PARSE'), String(e));
      }
    }),
    { seed: 42, numRuns: 500 },
  );
});
