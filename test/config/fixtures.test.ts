import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, readdirSync, copyFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig, loadConfigDetailed } from '../../src/config/loadConfig.js';
import { isRadiosyncError, EXIT } from '../../src/errors/RadiosyncError.js';

const FIX = new URL('../../fixtures/config/', import.meta.url).pathname;

/** A station directory holding one fixture as its radiosync.toml. */
function home(fixture: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'rs-config-'));
  copyFileSync(join(FIX, fixture), join(dir, 'radiosync.toml'));
  return dir;
}

test('good/minimal.toml: a callsign and defaults', () => {
  const c = loadConfig(home('good/minimal.toml'), { env: {} });
  assert.equal(c.station.callsign, 'N0CALL-7');
  assert.equal(c.radio.transport, 'kiss-tcp');
  assert.equal(c.radio.host, '127.0.0.1:8001');
  assert.equal(c.radio.txdelay_ms, 300);
  assert.deepEqual(c.schedule.window, []);
  assert.deepEqual(c.folders, {});
  assert.equal(c.budget.global.bytes_per_hour, 0);
});

test('good/full.toml: every section read, callsigns normalised', () => {
  const c = loadConfig(home('good/full.toml'), { env: {} });
  assert.equal(c.radio.transport, 'serial');
  assert.deepEqual(c.radio.digipeaters, ['WIDE1-1']);
  assert.deepEqual(c.radio.exit, ['hex:C0 FF C0']);
  assert.equal(c.records.table.observations!.conflict, 'master');
  assert.deepEqual(c.records.table.observations!.foreign_keys, { site_id: 'sites' });
  assert.equal(c.records.table.observations!.uuid_column, '');
  assert.equal(c.folders.photos, '/srv/field/photos');
  assert.equal(c.schedule.window.length, 2);
  assert.equal(c.schedule.window[1]!.cron, '30 6,18 * * *');
  assert.equal(c.budget.peers['N0CALL-3']!.bytes_per_day, 200000);
  assert.equal(c.budget.peers['N0CALL-3']!.bytes_per_hour, 0);
  assert.equal(c.limits.partial_transfers_total, 32);
  assert.equal(c.logging.level, 'debug');
});

test('good/kpc3-profile.toml: the profile fills radio keys the file leaves out', () => {
  const r = loadConfigDetailed(home('good/kpc3-profile.toml'), { env: {} });
  assert.equal(r.profile?.name, 'kantronics-kpc3');
  assert.equal(r.config.radio.transport, 'serial');
  assert.deepEqual(r.config.radio.init, ['KISS ON', 'RESTART']);
  assert.deepEqual(r.config.radio.exit, ['hex:C0 FF C0']);
  assert.equal(r.config.radio.txdelay_ms, 400, 'the file wins over the profile');
  assert.equal(r.config.radio.init_delay_ms, 1000);
});

const expected = JSON.parse(readFileSync(join(FIX, 'bad/expected.json'), 'utf8')) as Record<
  string,
  { code: string; key?: string; suggestion?: string }
>;

test('every bad fixture has an expectation', () => {
  const files = readdirSync(join(FIX, 'bad')).filter((f) => f.endsWith('.toml'));
  assert.deepEqual(files.sort(), Object.keys(expected).sort());
});

for (const [file, want] of Object.entries(expected)) {
  test(`bad/${file}: ${want.code}${want.key ? ` naming ${want.key}` : ''}`, () => {
    assert.throws(
      () => loadConfig(home(`bad/${file}`), { env: {} }),
      (e: unknown) => {
        assert.ok(isRadiosyncError(e), String(e));
        assert.equal(e.code, want.code, e.message);
        if (want.key !== undefined) {
          assert.equal(e.data.key, want.key, e.message);
          assert.ok(e.message.includes(want.key), `message names the key: ${e.message}`);
        }
        if (want.suggestion !== undefined) {
          assert.equal(e.data.suggestion, want.suggestion);
          assert.ok(e.message.includes(`did you mean "${want.suggestion}"`), e.message);
        }
        assert.ok(e.exit === EXIT.CONFIG, `exit ${e.exit}`);
        return true;
      },
    );
  });
}

test('a missing config is RS_ERR_CONFIG_NOT_FOUND (exit NO_INPUT) and says how to fix it', () => {
  const dir = mkdtempSync(join(tmpdir(), 'rs-config-'));
  assert.throws(
    () => loadConfig(dir, { env: {} }),
    (e: unknown) => isRadiosyncError(e, 'RS_ERR_CONFIG_NOT_FOUND') && e.exit === EXIT.NO_INPUT && e.message.includes('radiosync init'),
  );
});

test('parse errors carry line and column', () => {
  assert.throws(
    () => loadConfig(home('bad/not-toml.toml'), { env: {} }),
    (e: unknown) => isRadiosyncError(e, 'RS_ERR_CONFIG_PARSE') && e.data.line === 1,
  );
});
