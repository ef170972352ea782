/**
 * `node --import tsx test/security/cost-report.ts`: what authentication costs on the air, measured on
 * real transfers (1200 bit/s, 10% loss): the changeset signature (envelope), the 8-byte tag on every
 * ack, the receipt's payload hash in the final ack, against everything both stations put on air.
 */
import { AirRig, addPersons } from './airRig.js';
import { decodeFrame } from '../../src/link/decodeFrame.js';
import { FrameType, AUTH_TAG_BYTES } from '../../src/link/frameHeader.js';
import { SIGNATURE_BYTES } from '../../src/auth/envelope.js';

/** AX.25 overhead per frame on air (address 14 + control 1 + PID 1 + FCS 2 + flags 2). */
const ON_AIR_OVERHEAD = 20;

console.log('rows  changeset B  envelope +B  acks  ack B avg  tags B  receipt-hash B  on-air B total  auth share');
for (const rows of [10, 100, 1000]) {
  const rig = new AirRig({ loss: { kind: 'iid', p: 0.1 }, runtime: { N0AAA: { acceptInbound: false } } });
  try {
    addPersons(rig.station('N0AAA'), rows);
    const info = rig.runtime('N0AAA').sendPending(['N0BBB'])!;
    let done = false;
    rig.runtime('N0AAA').on('acknowledged', () => (done = true));
    await rig.run(() => done, 6 * 3_600_000);
    await rig.run(() => false, 5_000);
    const acks = rig.air.filter((f) => {
      const r = decodeFrame(f.info);
      return f.from === 'N0BBB' && r.ok && r.frame.type === FrameType.Ack;
    });
    const envelope = 2 + 'N0AAA'.length + SIGNATURE_BYTES;
    const tags = acks.length * AUTH_TAG_BYTES;
    const receiptHash = acks.filter((f) => { const r = decodeFrame(f.info); return r.ok && r.frame.type === FrameType.Ack && r.frame.complete; }).length * 8;
    const onAir = rig.air.reduce((a, f) => a + f.info.length + ON_AIR_OVERHEAD, 0);
    const ackAvg = acks.reduce((a, f) => a + f.info.length, 0) / Math.max(1, acks.length);
    console.log(
      `${String(rows).padStart(4)}  ${String(info.bytes - envelope).padStart(11)}  ${String(envelope).padStart(11)}  ${String(acks.length).padStart(4)}  ${ackAvg.toFixed(1).padStart(9)}  ${String(tags).padStart(6)}  ${String(receiptHash).padStart(14)}  ${String(onAir).padStart(14)}  ${(((envelope + tags + receiptHash) / onAir) * 100).toFixed(1).padStart(9)}%`,
    );
  } finally {
    rig.close();
  }
}
