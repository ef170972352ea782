/**
 * The Transport compliance suite: one set of tests every Transport implementation passes
 * (see src/transport/Transport.ts for the contract). Each implementation's test file calls
 * `transportCompliance` with a factory for a connected pair.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { isRadiosyncError } from '../../src/errors/RadiosyncError.js';
import type { Transport } from '../../src/transport/Transport.js';

export interface ConnectedPair {
  /** The end under test. */
  a: Transport;
  /** Its peer (may be another implementation, e.g. a server-side socket). */
  b: Transport;
  /** Release everything the pair holds (processes, servers). Called after each test. */
  cleanup(): Promise<void>;
}

export interface PairFactory {
  name: string;
  open(): Promise<ConnectedPair>;
  /** True when closing `a` makes `b` fire onClose (a socket); a pty pair held by socat may not. */
  peerSeesClose: boolean;
}

/** Guard so a broken implementation fails instead of hanging; not a timing assertion. */
const GUARD_MS = 10_000;

/** Resolve with the first `n` bytes `t` receives. */
export function receive(t: Transport, n: number): Promise<Uint8Array> {
  return new Promise((resolve) => {
    const chunks: Uint8Array[] = [];
    let got = 0;
    const off = t.onData((c) => {
      chunks.push(Uint8Array.from(c));
      got += c.length;
      if (got >= n) {
        off();
        resolve(Buffer.concat(chunks).subarray(0, n));
      }
    });
  });
}

function pattern(n: number, seed: number): Uint8Array {
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = (i * 7 + seed + (i >> 8)) & 0xff;
  return out;
}

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

export function transportCompliance(f: PairFactory): void {
  const withPair = (name: string, body: (p: ConnectedPair) => Promise<void>) =>
    test(name, { timeout: GUARD_MS }, async () => {
      const p = await f.open();
      try {
        await body(p);
      } finally {
        await Promise.all([p.a.close(), p.b.close()]);
        await p.cleanup();
      }
    });

  describe(`Transport compliance: ${f.name}`, () => {
    withPair('has a name', async ({ a, b }) => {
      assert.ok(a.name.length > 0 && b.name.length > 0);
    });

    withPair('carries every byte value, in order, both ways', async ({ a, b }) => {
      const ab = pattern(16 * 1024, 1);
      const ba = pattern(4 * 1024 + 3, 2);
      const atB = receive(b, ab.length);
      const atA = receive(a, ba.length);
      for (let at = 0; at < ab.length; at += 1000) await a.write(ab.subarray(at, at + 1000));
      await b.write(ba);
      assert.equal(hex(await atB), hex(ab));
      assert.equal(hex(await atA), hex(ba));
    });

    withPair('concurrent writes keep their order; the caller may reuse its buffer', async ({ a, b }) => {
      const parts = Array.from({ length: 50 }, (_, i) => pattern(10 + i, i));
      const total = parts.reduce((n, p) => n + p.length, 0);
      const atB = receive(b, total);
      const buf = new Uint8Array(100);
      await Promise.all(
        parts.map((p) => {
          buf.set(p);
          const w = a.write(buf.subarray(0, p.length));
          buf.fill(0);
          return w;
        }),
      );
      assert.equal(hex(await atB), hex(Buffer.concat(parts)));
    });

    withPair('a removed data listener gets nothing more', async ({ a, b }) => {
      let removedGot = 0;
      const off = b.onData((c) => (removedGot += c.length));
      off();
      const atB = receive(b, 3);
      await a.write(Uint8Array.of(1, 2, 3));
      assert.equal(hex(await atB), '010203');
      assert.equal(removedGot, 0);
    });

    withPair('close is idempotent, fires onClose once, and later writes reject with RS_ERR_TRANSPORT_CLOSED', async ({ a }) => {
      let closes = 0;
      a.onClose(() => closes++);
      await Promise.all([a.close(), a.close()]);
      await a.close();
      await new Promise((r) => setImmediate(r));
      assert.equal(closes, 1);
      await assert.rejects(a.write(Uint8Array.of(1)), (e) => isRadiosyncError(e, 'RS_ERR_TRANSPORT_CLOSED'));
      const late = await new Promise<boolean>((resolve) => a.onClose(() => resolve(true)));
      assert.equal(late, true);
    });

    if (f.peerSeesClose) {
      withPair('the peer sees the close, after the bytes written before it', async ({ a, b }) => {
        const got: number[] = [];
        b.onData((c) => got.push(...c));
        const closed = new Promise<void>((resolve) => b.onClose(() => resolve()));
        await a.write(Uint8Array.of(9, 8, 7));
        await a.close();
        await closed;
        assert.deepEqual(got, [9, 8, 7]);
        await assert.rejects(b.write(Uint8Array.of(1)), (e) => isRadiosyncError(e, 'RS_ERR_TRANSPORT_CLOSED'));
      });
    }
  });
}
