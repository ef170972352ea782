import { test } from 'node:test';
import { simStopsOnSigterm } from '../sim/simSigterm.js';

test('radiosync sim stops gracefully on SIGTERM: final JSON report, pty links gone (socat)', () => simStopsOnSigterm(true));
