import { test } from 'node:test';
import assert from 'node:assert/strict';
import { resolveConfig } from '../../src/config/loadConfig.js';
import { envName, envVariables } from '../../src/config/overrides.js';
import { isRadiosyncError } from '../../src/errors/RadiosyncError.js';

const file = { station: { callsign: 'N0CALL' }, radio: { bitrate: 1200, baud: 9600 } };

test('env vars override the file; flags override env', () => {
  const env = { RADIOSYNC_RADIO_BITRATE: '9600', RADIOSYNC_RADIO_INIT: 'KISS ON, RESTART', RADIOSYNC_BUDGET_GLOBAL_BYTES_PER_HOUR: '5_000' };
  const { config } = resolveConfig(file, { env, overrides: { 'radio.bitrate': '300', schedule: { beacon_interval_s: 0 } } });
  assert.equal(config.radio.bitrate, 300);
  assert.deepEqual(config.radio.init, ['KISS ON', 'RESTART']);
  assert.equal(config.budget.global.bytes_per_hour, 5000);
  assert.equal(config.schedule.beacon_interval_s, 0);
  assert.equal(config.radio.baud, 9600);
});

test('booleans and JSON lists from env', () => {
  const { config } = resolveConfig(file, {
    env: { RADIOSYNC_SCHEDULE_BEACON_OUTSIDE_WINDOWS: 'yes', RADIOSYNC_RECORDS_TABLES: '["a","b"]', RADIOSYNC_RECORDS_DB: 'x.db' },
  });
  assert.equal(config.schedule.beacon_outside_windows, true);
  assert.deepEqual(config.records.tables, ['a', 'b']);
});

test('a bad env value names the variable and the key', () => {
  assert.throws(
    () => resolveConfig(file, { env: { RADIOSYNC_RADIO_BAUD: 'fast' } }),
    (e: unknown) =>
      isRadiosyncError(e, 'RS_ERR_CONFIG_INVALID') && e.data.key === 'radio.baud' && e.message.includes('RADIOSYNC_RADIO_BAUD'),
  );
});

test('an unknown RADIOSYNC_<SECTION>_ variable is an error with a suggestion; other RADIOSYNC_* are ignored', () => {
  assert.throws(
    () => resolveConfig(file, { env: { RADIOSYNC_RADIO_TXDELAY: '300' } }),
    (e: unknown) => isRadiosyncError(e, 'RS_ERR_CONFIG_UNKNOWN_KEY') && e.data.suggestion === 'radio.txdelay_ms',
  );
  const { config } = resolveConfig(file, { env: { RADIOSYNC_HOME: '/x', RADIOSYNC_TEST: '1' } });
  assert.equal(config.station.callsign, 'N0CALL');
});

test('an unknown flag key is an error naming it', () => {
  assert.throws(
    () => resolveConfig(file, { env: {}, overrides: { 'radio.bitrat': 9600 } }),
    (e: unknown) => isRadiosyncError(e, 'RS_ERR_CONFIG_UNKNOWN_KEY') && e.data.key === 'radio.bitrat' && e.data.suggestion === 'radio.bitrate',
  );
});

test('env names are derived from the schema', () => {
  assert.equal(envName('radio.txdelay_ms'), 'RADIOSYNC_RADIO_TXDELAY_MS');
  const names = envVariables().map((v) => v.name);
  assert.ok(names.includes('RADIOSYNC_BUDGET_PEER_AIRTIME_S_PER_DAY'));
  assert.ok(names.includes('RADIOSYNC_LIMITS_REASSEMBLY_BYTES'));
  assert.equal(new Set(names).size, names.length, 'no two keys share an env var');
  // maps and arrays of tables are file-only
  assert.ok(!names.some((n) => n.startsWith('RADIOSYNC_FOLDERS') || n.includes('WINDOW_CRON')));
});

test('all problems are collected in data.issues', () => {
  assert.throws(
    () => resolveConfig({ station: { callsign: 'N0CALL', colour: 'red' }, radio: { baud: -1, persistence: 'x' } }, { env: {} }),
    (e: unknown) => isRadiosyncError(e) && Array.isArray(e.data.issues) && (e.data.issues as unknown[]).length === 3,
  );
});

test('flags left undefined (options the user did not give) do not clobber the file', () => {
  const { config } = resolveConfig(file, { env: {}, overrides: { 'radio.bitrate': undefined, radio: { baud: undefined } } });
  assert.equal(config.radio.bitrate, 1200);
  assert.equal(config.radio.baud, 9600);
});
