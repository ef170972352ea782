import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parse } from 'smol-toml';
import { defaultConfig } from '../../src/config/defaultConfig.js';
import { renderConfig } from '../../src/config/renderConfig.js';
import { validateConfig } from '../../src/config/validateConfig.js';
import { loadProfile, listProfiles } from '../../src/config/profiles.js';
import { resolveConfig } from '../../src/config/loadConfig.js';
import { encodeTncCommand, parseTncCommand } from '../../src/config/tncCommand.js';
import { didYouMean } from '../../src/config/suggest.js';
import { isRadiosyncError } from '../../src/errors/RadiosyncError.js';

test('renderConfig round-trips through TOML and validation', () => {
  const c = defaultConfig({
    callsign: 'n0call-7',
    owner: 'Camp "North"',
    db: 'station.db',
    tables: ['sites', 'observations'],
    folders: { photos: 'photos', 'field.notes': 'notes' },
    overrides: {
      'records.table.observations': { conflict: 'local', foreign_keys: { site_id: 'sites' }, exclude_where: "status = 'draft'" },
      'schedule.window': [{ cron: '0 */2 * * *', duration_min: 10 }],
      'budget.peers': { 'N0CALL-3': { bytes_per_day: 1000 } },
      'radio.exit': ['hex:C0 FF C0'],
    },
  });
  assert.equal(c.station.callsign, 'N0CALL-7');
  const text = renderConfig(c);
  assert.ok(text.includes('# txdelay_ms = 300'), 'defaults are written commented out');
  assert.ok(text.includes('callsign = "N0CALL-7"'));
  const back = validateConfig(parse(text));
  assert.deepEqual(back, c);
});

test('defaultConfig rejects a bad callsign with the usual typed error', () => {
  assert.throws(() => defaultConfig({ callsign: 'NOT A CALL' }), (e: unknown) => isRadiosyncError(e, 'RS_ERR_CONFIG_INVALID') && e.data.key === 'station.callsign');
});

test('every bundled hardware profile loads, validates and cites a source', () => {
  const names = listProfiles();
  for (const want of ['direwolf-1200', 'direwolf-9600', 'mobilinkd-tnc3', 'ninotnc', 'kantronics-kpc3', 'kenwood-tm-d710', 'kenwood-th-d74', 'generic-kiss-serial']) {
    assert.ok(names.includes(want), `missing profile ${want}`);
  }
  for (const n of names) {
    const p = loadProfile(n);
    assert.ok(p.description.length > 0 && p.sources.length > 0, n);
    const { config } = resolveConfig({ station: { callsign: 'N0CALL' }, radio: { profile: n } }, { env: {} });
    assert.equal(config.radio.profile, n);
    for (const s of [...config.radio.init, ...config.radio.exit]) assert.ok(parseTncCommand(s).ok, `${n}: ${s}`);
  }
  const kpc3 = loadProfile('kantronics-kpc3');
  assert.deepEqual([...encodeTncCommand(kpc3.radio.exit![0]!)], [0xc0, 0xff, 0xc0]);
});

test('an unknown profile suggests the closest one', () => {
  assert.throws(
    () => loadProfile('mobilinkd-tnc'),
    (e: unknown) => isRadiosyncError(e, 'RS_ERR_CONFIG_PROFILE') && e.data.suggestion === 'mobilinkd-tnc3',
  );
});

test('TNC command strings: text gets CR, hex: is raw', () => {
  assert.deepEqual([...encodeTncCommand('KISS ON')], [...Buffer.from('KISS ON\r')]);
  assert.deepEqual([...encodeTncCommand('hex:03,03 03')], [3, 3, 3]);
  assert.equal(parseTncCommand('hex:C0F').ok, false);
  assert.equal(parseTncCommand('ünï€').ok, false);
  assert.throws(() => encodeTncCommand('hex:zz'), RangeError);
});

test('didYouMean finds typos and prefixes, not unrelated words', () => {
  assert.equal(didYouMean('txdelay', ['txdelay_ms', 'txtail_ms', 'baud']), 'txdelay_ms');
  assert.equal(didYouMean('bitrat', ['bitrate', 'baud']), 'bitrate');
  assert.equal(didYouMean('frequency', ['bitrate', 'baud']), undefined);
});
