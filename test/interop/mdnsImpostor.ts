/**
 * For test/interop/mdns.test.ts, run inside a network namespace: a station that serves online and
 * advertises by mDNS the callsign and the key fingerprint given on the command line (a forged
 * record). Prints `READY <port>` and runs until SIGTERM.
 *   node --import tsx mdnsImpostor.ts HOME CALL FINGERPRINT PORT
 */
import { Station } from '../../src/station/Station.js';
import { serveOnline } from '../../src/sync/online.js';
import { MdnsDiscovery } from '../../src/online/mdns.js';

const [home, call, fp, port] = process.argv.slice(2);
const st = Station.open(home!, { env: {} });
const srv = await serveOnline(st, { host: '0.0.0.0', port: Number(port) });
const ad = new MdnsDiscovery({ advert: { callsign: call!, fingerprint: fp!, port: srv.port } });
ad.start();
process.stdout.write(`READY ${srv.port}\n`);
process.once('SIGTERM', () => {
  ad.close();
  void srv.close().then(() => {
    st.close();
    process.exit(0);
  });
});
