/** The JSON export's text arguments (src/store/exportRange.ts): dates, seq ranges, typed errors. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { exportRangeFromText, parseExportDate, parseSeqRange } from '../../src/store/exportRange.js';
import { errorCodeOf } from './errorCode.js';

const code = errorCodeOf;

test('dates: a bare date is its first millisecond (since) or its last (until), times without a zone are UTC', () => {
  assert.equal(parseExportDate('since', '2026-12-01'), Date.UTC(2026, 11, 1));
  assert.equal(parseExportDate('until', '2026-12-01', true), Date.UTC(2026, 11, 2) - 1);
  assert.equal(parseExportDate('since', '2026-12-01T10:00'), Date.UTC(2026, 11, 1, 10));
  assert.equal(parseExportDate('since', '2026-12-01T10:00:05.5Z'), Date.UTC(2026, 11, 1, 10, 0, 5, 500));
  assert.equal(parseExportDate('since', '2026-12-01T10:00+0200'), Date.UTC(2026, 11, 1, 8));
  assert.equal(parseExportDate('since', '2024-02-29'), Date.UTC(2024, 1, 29));
  for (const bad of ['yesterday', '2026-02-30', '2025-02-29', '2026-13-01', '2026-00-10', '2026-12-01T24:00Z', '2026-12-01T10:60Z', '1764547200000', '']) {
    assert.equal(code(() => parseExportDate('since', bad)), 'RS_ERR_STORE_EXPORT_BAD_DATE', bad);
  }
});

test('property: every calendar day round-trips, as since and as until (seeded)', () => {
  fc.assert(
    fc.property(fc.integer({ min: Date.UTC(1970, 0, 1), max: Date.UTC(2999, 11, 31) }), (ms) => {
      const day = new Date(ms).toISOString().slice(0, 10);
      const start = Date.parse(`${day}T00:00:00Z`);
      assert.equal(parseExportDate('since', day), start);
      assert.equal(parseExportDate('until', day, true), start + 86_400_000 - 1);
    }),
    { seed: 14, numRuns: 500 },
  );
});

test('seq ranges and whole ranges', () => {
  assert.deepEqual(parseSeqRange('3..9'), [3, 9]);
  assert.deepEqual(parseSeqRange('3..'), [3, undefined]);
  assert.deepEqual(parseSeqRange('5..5'), [5, 5]);
  for (const bad of ['9..3', '0..3', '3', '..3', 'a..b', '-1..2', '1..99999999999999999']) {
    assert.equal(code(() => parseSeqRange(bad)), 'RS_ERR_STORE_EXPORT_BAD_RANGE', bad);
  }
  assert.deepEqual(exportRangeFromText({ seq: '2..4', tables: ['person'] }, 'N0AAA'), { origin: 'N0AAA', fromSeq: 2, toSeq: 4, tables: ['person'] });
  assert.deepEqual(exportRangeFromText({ seq: '2..', origin: 'N0BBB' }, 'N0AAA'), { origin: 'N0BBB', fromSeq: 2 });
  assert.equal(code(() => exportRangeFromText({ since: '2026-12-02', until: '2026-12-01' }, 'N0AAA')), 'RS_ERR_STORE_EXPORT_BAD_RANGE');
  assert.deepEqual(exportRangeFromText({ since: '2026-12-01', until: '2026-12-01' }, 'N0AAA'), { since: Date.UTC(2026, 11, 1), until: Date.UTC(2026, 11, 2) - 1 });
});
