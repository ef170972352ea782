import { test } from 'node:test';
import assert from 'node:assert/strict';
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { DIAGNOSTICS } from '../../src/diagnostics/DIAGNOSTICS.js';
import { makeNet, payloadOf } from './helpers/harness.js';

/** Collect every link event published while `body` runs. */
async function collect(body: () => Promise<void>): Promise<Array<{ name: string; m: Record<string, unknown> }>> {
  const seen: Array<{ name: string; m: Record<string, unknown> }> = [];
  const handlers = Object.values(DIAGNOSTICS.link).map((name) => {
    const h = (m: unknown) => seen.push({ name, m: m as Record<string, unknown> });
    subscribe(name, h);
    return [name, h] as const;
  });
  try {
    await body();
  } finally {
    for (const [name, h] of handlers) unsubscribe(name, h);
  }
  return seen;
}

test('a lossy unicast publishes received, delivered, retransmit and repair on the link channels, naming the station', async () => {
  const seen = await collect(async () => {
    const net = makeNet({ bitrate: 1200, loss: 0.3, seed: 21 });
    const a = net.add('N0AAA');
    net.add('N0BBB');
    a.link.enqueue({ to: ['N0BBB'], payload: payloadOf(12_000, 21) });
    await net.run(() => a.delivered.length > 0);
  });
  const of = (n: string) => seen.filter((e) => e.name === n).map((e) => e.m);
  const received = of(DIAGNOSTICS.link.received);
  assert.equal(received.length, 1);
  assert.equal(received[0]!.station, 'N0BBB');
  assert.equal(received[0]!.from, 'N0AAA');
  assert.equal(received[0]!.size, 12_000);
  const delivered = of(DIAGNOSTICS.link.delivered);
  assert.equal(delivered.length, 1);
  assert.equal(delivered[0]!.station, 'N0AAA');
  assert.equal(delivered[0]!.to, 'N0BBB');
  const re = of(DIAGNOSTICS.link.retransmit);
  assert.ok(re.length >= 1, 'at 30 % loss the sender goes again');
  for (const m of re) {
    assert.equal(m.station, 'N0AAA');
    assert.ok((m.burst as number) >= 2, 'the first burst is not a retransmission');
  }
  const repairs = of(DIAGNOSTICS.link.repair);
  assert.ok(repairs.length >= 1 && repairs.length <= re.length, 'repairs are the retransmissions that carry shards');
  for (const m of repairs) assert.ok((m.dataFrames as number) > 0 && m.poll === false);
  assert.equal(of(DIAGNOSTICS.link.failed).length, 0);
});

test('with no loss and a small payload, one burst suffices: no retransmit or repair is published', async () => {
  const seen = await collect(async () => {
    const net = makeNet({ bitrate: 1200, loss: 0, seed: 3 });
    const a = net.add('N0AAA');
    net.add('N0BBB');
    a.link.enqueue({ to: ['N0BBB'], payload: payloadOf(600, 3) });
    await net.run(() => a.delivered.length > 0);
  });
  assert.equal(seen.filter((e) => e.name === DIAGNOSTICS.link.delivered).length, 1);
  assert.equal(seen.filter((e) => e.name === DIAGNOSTICS.link.retransmit).length, 0);
});
