/**
 * Deterministic CBOR (src/util/deterministicCbor.ts, docs/protocol.md §3.2 and §5): bundle bodies,
 * receipts and repair vectors follow RFC 8949 §4.2.1. The checker below is written from the RFC,
 * independently of cbor-x: shortest integers and lengths, definite lengths, map keys in bytewise
 * order of their encodings, no tags, no floats.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { decode } from 'cbor-x';
import { encodeDeterministic, type DeterministicValue } from '../../src/util/deterministicCbor.js';
import { encodeBundle, decodeBundle, BundleItemKind } from '../../src/bundle/bundle.js';
import { openReceipt, sealReceipt } from '../../src/sync/receipt.js';
import { makeStations, tempDir } from '../sync/stations.js';

/** Throws unless `b` is exactly one deterministic CBOR item of the kinds these structures use. */
function checkDeterministic(b: Uint8Array): void {
  let o = 0;
  const arg = (info: number): { n: bigint; bytes: Uint8Array } => {
    const start = o;
    let n: bigint;
    if (info < 24) n = BigInt(info);
    else if (info <= 27) {
      const len = 1 << (info - 24);
      if (o + len > b.length) throw new Error('truncated');
      n = 0n;
      for (let i = 0; i < len; i++) n = (n << 8n) | BigInt(b[o + i]!);
      o += len;
      const min = info === 24 ? 24n : 1n << BigInt(8 * (len >> 1));
      if (n < min) throw new Error(`argument ${n} not in its shortest form`);
    } else throw new Error(`additional info ${info} (indefinite or reserved)`);
    return { n, bytes: b.subarray(start - 1, o) };
  };
  const item = (): Uint8Array => {
    const start = o;
    if (o >= b.length) throw new Error('truncated');
    const ib = b[o++]!;
    const major = ib >> 5;
    const { n } = arg(ib & 31);
    if (major === 2 || major === 3) {
      if (o + Number(n) > b.length) throw new Error('truncated string');
      o += Number(n);
    } else if (major === 4) {
      for (let i = 0n; i < n; i++) item();
    } else if (major === 5) {
      let prev: Uint8Array | undefined;
      for (let i = 0n; i < n; i++) {
        const key = item();
        if (prev !== undefined && Buffer.compare(Buffer.from(prev), Buffer.from(key)) >= 0) throw new Error('map keys not in bytewise order');
        prev = key;
        item();
      }
    } else if (major === 6) throw new Error(`tag ${n}`);
    else if (major === 7) throw new Error('float or simple value');
    return b.subarray(start, o);
  };
  item();
  if (o !== b.length) throw new Error('bytes after the item');
}

const callsign = fc.stringMatching(/^[A-Z0-9]{1,6}(-[0-9]{1,2})?$/).filter((s) => /[A-Z]/.test(s));
const value: fc.Arbitrary<DeterministicValue> = fc.letrec<{ v: DeterministicValue }>((tie) => ({
  v: fc.oneof(
    { depthSize: 'small' },
    fc.maxSafeNat(),
    fc.integer({ min: -(2 ** 40), max: -1 }),
    fc.string({ maxLength: 30 }),
    fc.uint8Array({ maxLength: 40 }),
    fc.array(tie('v'), { maxLength: 5 }),
    fc.dictionary(fc.oneof(callsign, fc.string({ maxLength: 8 })), tie('v'), { maxKeys: 6 }),
  ),
})).v;

test('deterministic CBOR: every value passes an independent RFC 8949 §4.2.1 check and decodes to itself', () => {
  fc.assert(
    fc.property(value, (v) => {
      const bytes = encodeDeterministic(v);
      checkDeterministic(bytes);
      const back = decode(bytes) as unknown;
      const norm = (x: unknown): unknown =>
        typeof x === 'bigint' ? Number(x) : x instanceof Uint8Array ? [...x] : Array.isArray(x) ? x.map(norm) : x !== null && typeof x === 'object' ? Object.fromEntries(Object.entries(x).map(([k, y]) => [k, norm(y)]).sort()) : x;
      assert.deepEqual(norm(back), norm(v));
    }),
    { seed: 20261203, numRuns: 500 },
  );
});

test('deterministic CBOR: shortest integers at each boundary, keys shorter first, no tag for bytes', () => {
  const hex = (v: DeterministicValue) => Buffer.from(encodeDeterministic(v)).toString('hex');
  assert.equal(hex(23), '17');
  assert.equal(hex(24), '1818');
  assert.equal(hex(0xffffffff), '1affffffff');
  assert.equal(hex(2 ** 32), '1b0000000100000000');
  assert.equal(hex(1_795_262_400_000), '1b000001a1fdfa4600');
  assert.equal(hex({ bb: 1, a: 2, c: 3 }), 'a3616102616303626262' + '01');
  assert.equal(hex(new Uint8Array([1, 2])), '420102');
  assert.throws(() => encodeDeterministic(1.5), RangeError);
});

test('a bundle body and a receipt are deterministic CBOR (independent check), and still read', () => {
  const bundle = encodeBundle({
    from: 'N0CALL-1', to: ['EA4XYZ', 'HQ-2'], created: 1_795_262_400_123, exportId: new Uint8Array(8).fill(7), part: 1, parts: 1,
    items: [{ kind: BundleItemKind.Changeset, data: new Uint8Array([1, 2, 3]) }, { kind: BundleItemKind.Ack, data: new Uint8Array(300) }],
  });
  const len = new DataView(bundle.buffer, bundle.byteOffset).getUint32(9);
  checkDeterministic(bundle.subarray(13, 13 + len));
  assert.equal(decodeBundle(bundle).created, 1_795_262_400_123);

  const { dir, cleanup } = tempDir();
  try {
    const [a, b] = makeStations(dir, ['N0AAA', 'N0BBB-2']);
    const sealed = sealReceipt(a!, 'N0BBB-2', { vv: { 'N0AAA': 70000, 'N0BBB-2': 3, 'W1X': 0 }, summary: new Uint8Array(34).fill(5), chunks: [new Uint8Array(16).fill(9)] });
    checkDeterministic(sealed.subarray(0, sealed.length - 8));
    const r = openReceipt(b!, sealed);
    assert.deepEqual(r.vv, { 'N0AAA': 70000, 'N0BBB-2': 3, 'W1X': 0 });
    assert.ok(Number.isSafeInteger(r.at) && r.at > 2 ** 32, 'at is a whole number of ms, read as a number');
    a!.close();
    b!.close();
  } finally {
    cleanup();
  }
});

test('a receipt written by an earlier version (float64 `at`, 2-byte map length) is still read', async () => {
  const { Encoder } = await import('cbor-x');
  const old = new Encoder({ useRecords: false, pack: false });
  const { dir, cleanup } = tempDir();
  try {
    const [a, b] = makeStations(dir, ['N0AAA', 'N0BBB-2']);
    // the old form: cbor-x defaults (float64 for the ms time, tag 64 for bytes), sealed with the same MAC
    const sealedNew = sealReceipt(a!, 'N0BBB-2', { vv: { N0AAA: 1 }, summary: new Uint8Array(34).fill(5), chunks: [] });
    const fields = decode(sealedNew.subarray(0, sealedNew.length - 8)) as unknown[];
    const body = old.encode([fields[0], fields[1], fields[2], Number(fields[3]) + 0.0, fields[4], fields[5]]) as Uint8Array;
    assert.throws(() => checkDeterministic(body), 'the old form is not deterministic');
    const { macTag } = await import('../../src/auth/pairwise.js');
    const key = a!.pairKey('N0BBB-2')!;
    const sealedOld = new Uint8Array([...body, ...macTag(key, body)]);
    assert.deepEqual(openReceipt(b!, sealedOld).vv, { N0AAA: 1 });
    a!.close();
    b!.close();
  } finally {
    cleanup();
  }
});
