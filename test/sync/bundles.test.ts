import { test } from 'node:test';
import assert from 'node:assert/strict';
import { makeStations, tempDir } from './stations.js';
import { exportBundle, importBundle } from '../../src/sync/bundles.js';
import { tableFingerprints } from '../../src/sync/tableFingerprint.js';
import { isRadiosyncError } from '../../src/errors/RadiosyncError.js';
import { generateStationKeys } from '../../src/station/keys.js';
import { sealChangeset } from '../../src/sync/signedChangeset.js';
import { encodeBundle, BundleItemKind } from '../../src/bundle/bundle.js';
import { sealEnvelope } from '../../src/auth/envelope.js';
import { encodeChangeset } from '../../src/changeset/codec.js';

test('bundle round trip: export, import, import again with no effect; receipts travel back', async () => {
  const { dir, cleanup } = tempDir();
  const [a, b] = makeStations(dir, ['N0AAA', 'N0BBB']);
  try {
    const ex = exportBundle(a!, ['N0BBB']);
    assert.ok(ex.rows > 4000, `rows ${ex.rows}`);
    const r1 = await importBundle(b!, ex.bytes);
    assert.equal(r1.changesets, 1);
    assert.equal(r1.duplicates, 0);
    assert.ok(r1.rowsApplied > 4000);
    assert.deepEqual(tableFingerprints(b!.records), tableFingerprints(a!.records));
    const before = tableFingerprints(b!.records);
    const r2 = await importBundle(b!, ex.bytes);
    assert.equal(r2.duplicates, 1);
    assert.equal(r2.rowsApplied, 0);
    assert.deepEqual(tableFingerprints(b!.records), before);

    // B edits, sends back with a receipt; A learns B has everything and applies B's edit.
    b!.records.db.prepare(`UPDATE person SET status = 'missing' WHERE id = (SELECT min(id) FROM person)`).run();
    const back = exportBundle(b!, ['N0AAA']);
    assert.equal(back.rows, 1, 'only the edit goes back, not A\'s own rows');
    const r3 = await importBundle(a!, back.bytes);
    assert.equal(r3.receipts, 1);
    assert.equal(r3.rowsApplied, 1);
    assert.deepEqual(tableFingerprints(a!.records), tableFingerprints(b!.records));
    // A now knows B holds A's rows: the next export to B is empty of rows.
    assert.equal(exportBundle(a!, ['N0BBB']).rows, 0);
  } finally {
    a!.close();
    b!.close();
    cleanup();
  }
});

test('a truncated bundle is rejected with a clear error and changes nothing', async () => {
  const { dir, cleanup } = tempDir();
  const [a, b] = makeStations(dir, ['N0AAA', 'N0BBB']);
  try {
    const ex = exportBundle(a!, ['N0BBB']);
    const before = tableFingerprints(b!.records);
    for (const cut of [ex.bytes.length - 1, Math.floor(ex.bytes.length / 2), 20]) {
      await assert.rejects(() => importBundle(b!, ex.bytes.subarray(0, cut)), (e) => isRadiosyncError(e, 'RS_ERR_BUNDLE_TRUNCATED'));
    }
    assert.deepEqual(tableFingerprints(b!.records), before);
    assert.deepEqual(b!.records.versionVector(), {});
  } finally {
    a!.close();
    b!.close();
    cleanup();
  }
});

test('changesets from untrusted or forged signers are skipped and counted, never applied', async () => {
  const { dir, cleanup } = tempDir();
  const [a, b] = makeStations(dir, ['N0AAA', 'N0BBB']);
  try {
    const cs = a!.records.buildChangeset('N0BBB');
    // A stranger signs A's changeset as "N0AAA" with its own key: bad signature.
    const forged = sealEnvelope(encodeChangeset(cs), 'N0AAA', generateStationKeys().signPrivate);
    // A genuine changeset from a station B does not trust.
    const stranger = sealEnvelope(encodeChangeset({ ...cs, from: 'N0ZZZ' }), 'N0ZZZ', generateStationKeys().signPrivate);
    const bundle = encodeBundle({
      from: 'N0AAA',
      to: ['N0BBB'],
      created: 0,
      exportId: new Uint8Array(8),
      part: 1,
      parts: 1,
      items: [
        { kind: BundleItemKind.Changeset, data: forged },
        { kind: BundleItemKind.Changeset, data: stranger },
      ],
    });
    const r = await importBundle(b!, bundle);
    assert.equal(r.changesets, 0);
    assert.deepEqual(r.skipped.map((s) => s.code).sort(), ['RS_ERR_AUTH_BAD_SIGNATURE', 'RS_ERR_AUTH_UNKNOWN_SIGNER']);
    assert.deepEqual(b!.records.versionVector(), {});
    assert.equal(b!.log.counters()['dropped.RS_ERR_AUTH_BAD_SIGNATURE'], 1);
    // and the genuine one still applies afterwards
    const ok = encodeBundle({ from: 'N0AAA', to: ['N0BBB'], created: 0, exportId: new Uint8Array(8), part: 1, parts: 1, items: [{ kind: BundleItemKind.Changeset, data: sealChangeset(a!, cs) }] });
    assert.equal((await importBundle(b!, ok)).changesets, 1);
  } finally {
    a!.close();
    b!.close();
    cleanup();
  }
});
