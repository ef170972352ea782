/**
 * `node --import tsx test/soak/run.ts [--days 7] [--loss 0.3] [--seed 3]`: a simulated week of hourly
 * burst windows among four stations at 30% frame loss with continuous edits; prints the figures per day.
 */
import { runSoak } from './soak.js';

function arg(name: string, d: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : d;
}
const days = arg('days', 7);
console.log(`soak: 4 stations, ${days} simulated days, 1200 bit/s, ${arg('loss', 0.3) * 100}% loss, hourly bursts, edits every 10 min`);
console.log('day  heapMB  outbound  inbound  shards  persons (A B C D)        agree  airtime s  cpu s');
const r = await runSoak({
  days,
  loss: arg('loss', 0.3),
  seed: arg('seed', 3),
  onDay: (d) =>
    console.log(
      `${String(d.day).padStart(3)}  ${d.heapMB.toFixed(1).padStart(6)}  ${String(d.outbound).padStart(8)}  ${String(d.inbound).padStart(7)}  ${String(d.shards).padStart(6)}  ${d.rows.join(' ').padEnd(24)} ${String(d.agree).padEnd(5)}  ${d.airtimeS.toFixed(0).padStart(9)}  ${d.cpuS.toFixed(0).padStart(5)}`,
    ),
});
console.log(`drain: ${r.drainHours} h; queues empty: ${r.drained}; all four identical: ${r.converged}; edits: ${r.edits}; persons: ${r.rows.join(' ')}`);
process.exitCode = r.drained && r.converged ? 0 : 1;
