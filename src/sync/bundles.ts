/**
 * Sync by USB stick or email: the same signed changesets and receipts as on air, in bundle files
 * (src/bundle/bundle.ts). Export: src/sync/bundleExport.ts; import: src/sync/bundleImport.ts.
 */
export { exportBundle, partNames, MIN_PART_BYTES, type ExportOptions, type ExportResult } from './bundleExport.js';
export { importBundle, importBundleRecords, importBundleFile, type ImportResult } from './bundleImport.js';
