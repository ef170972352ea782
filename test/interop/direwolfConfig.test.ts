import { test } from 'node:test';
import assert from 'node:assert/strict';
import { alsaConfigText, DEFAULT_CHANNEL_ACCESS, DEFAULT_CONNECTED_MODE, direwolfConfigText } from './direwolfConfig.js';
import { noiseRmsFor } from './audioChannel.js';

test('Dire Wolf config: audio on stdin, transmit to the named ALSA pcm, ports and timing as given', () => {
  const text = direwolfConfigText({
    mycall: 'N0AAA',
    alsaDevice: 'radiosyncA',
    modem: 1200,
    kissPort: 8001,
    agwPort: 8000,
    access: DEFAULT_CHANNEL_ACCESS,
    connected: DEFAULT_CONNECTED_MODE,
    beacon: { dest: 'BEACON', info: 'hello', delaySec: 1, everySec: 75 },
  });
  const lines = text.split('\n');
  for (const want of ['ADEVICE stdin radiosyncA', 'ARATE 48000', 'MYCALL N0AAA', 'MODEM 1200', 'TXDELAY 30', 'PERSIST 63', 'SLOTTIME 10', 'KISSPORT 8001', 'AGWPORT 8000', 'RETRY 15']) {
    assert.ok(lines.includes(want), `missing "${want}"`);
  }
  assert.ok(lines.includes('CBEACON delay=0:01 every=1:15 dest=BEACON info="hello"'));
});

test('ALSA config includes the system config first (else "Unknown PCM null"), then one file pcm per FIFO', () => {
  const text = alsaConfigText([{ name: 'radiosyncA', fifo: '/tmp/x/a.tx' }]);
  assert.equal(text.split('\n')[0], '</usr/share/alsa/alsa.conf>');
  assert.match(text, /pcm\.radiosyncA \{\n  type file\n  slave\.pcm null\n  file "\/tmp\/x\/a\.tx"\n  format "raw"\n\}/);
});

test('SNR reference: 0 dB = noise RMS of a sine at the scaled level; 6 dB halves it', () => {
  assert.ok(Math.abs(noiseRmsFor(0, 0.25) - (0.25 * 32767) / Math.SQRT2) < 1e-9);
  assert.ok(Math.abs(noiseRmsFor(6.0206, 0.25) / noiseRmsFor(0, 0.25) - 0.5) < 1e-4);
});
