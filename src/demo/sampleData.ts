/**
 * The sample application database shipped in fixtures/ (persons, shelters, supply requests; see
 * fixtures/gen/sampleApp.ts), used by `radiosync demo` and the tests.
 */
import { copyFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { emptySampleTables } from '../store/sampleApp.js';

/** Package root: this file is src/demo/*.ts or dist/demo/*.js. */
export const PACKAGE_ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const SAMPLE_DB = fileURLToPath(new URL('../../fixtures/sample-app.sqlite', import.meta.url));
export const SAMPLE_FOLDER = fileURLToPath(new URL('../../fixtures/sample-folder', import.meta.url));
/** The tables the sample application syncs (org_country is reference data, site_setting is local). */
export const SAMPLE_SYNC_TABLES = ['shelter', 'person', 'supply_request'];

/** The training shelter: reference data with a fixed UUID that never syncs. */
export const SAMPLE_TRAINING_SHELTER = '00000000-0000-4000-8000-00000000d011';

/**
 * Config keys for the sample application's tables (what an operator would write in
 * radiosync.toml): shelters are soft-deleted through their `deleted` column, `modified_on` is a
 * local timestamp, the training shelter never leaves the station, draft requests stay local.
 */
export const SAMPLE_TABLE_CONFIG: Record<string, unknown> = {
  'records.table.shelter.deleted_column': 'deleted',
  'records.table.shelter.local_columns': ['modified_on'],
  'records.table.shelter.exclude_uuids': [SAMPLE_TRAINING_SHELTER],
  'records.table.person.local_columns': ['modified_on'],
  'records.table.supply_request.exclude_where': "status = 'draft'",
};

/** A copy of the sample database, rows and all. */
export function copySampleDb(to: string): void {
  copyFileSync(SAMPLE_DB, to);
}

/**
 * The sample application's schema with no rows in the synced tables (reference and local tables
 * keep theirs): what a freshly installed station of the same application looks like.
 */
export function createEmptySampleDb(to: string, syncTables: readonly string[] = SAMPLE_SYNC_TABLES): void {
  copyFileSync(SAMPLE_DB, to);
  emptySampleTables(to, syncTables);
}
