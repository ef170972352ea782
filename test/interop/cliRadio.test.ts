import { test } from 'node:test';
import { sendAndReceiveThroughSim } from '../cli/simSession.js';

// The receiver reads the hub's pseudo-terminal (socat) through serialport; the Node-only twin is test/cli/radio.test.ts.
test('send (KISS TCP) and receive (pty via serialport) through radiosync sim at 10% loss: tables end identical', { timeout: 240_000 }, () =>
  sendAndReceiveThroughSim('pty'),
);
