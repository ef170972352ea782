/**
 * One model of the radio: the config's defaults, the link's, the simulator's and the airtime
 * arithmetic's all come from src/radio/radioDefaults.ts, and agree.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { RADIO_DEFAULTS, AX25_FRAME_OVERHEAD_BYTES, BIT_STUFFING } from '../../src/radio/radioDefaults.js';
import { burstAirtimeMs, frameAirtimeMs } from '../../src/radio/airtime.js';
import { defaultConfig } from '../../src/config/defaultConfig.js';
import { DEFAULT_FRAME_BYTES, DEFAULT_TNC_QUEUE_FRAMES } from '../../src/link/linkOptions.js';
import { frameAirMs, keyUpMs } from '../../src/link/linkTiming.js';
import { resolveRadioParams } from '../../src/sim/SimRadio.js';
import { AVERAGE_STUFFING } from '../../src/sim/airtime.js';

test('config, link, simulator and airtime defaults are the one set in src/radio/radioDefaults.ts', () => {
  const radio = defaultConfig({ callsign: 'N0CALL' }).radio;
  assert.equal(radio.bitrate, RADIO_DEFAULTS.bitrate);
  assert.equal(radio.txdelay_ms, RADIO_DEFAULTS.txDelayMs);
  assert.equal(radio.txtail_ms, RADIO_DEFAULTS.txTailMs);
  assert.equal(radio.persistence, RADIO_DEFAULTS.persistence);
  assert.equal(radio.slot_ms, RADIO_DEFAULTS.slotMs);
  assert.equal(radio.frame_bytes, RADIO_DEFAULTS.frameBytes);
  assert.equal(radio.tnc_queue_frames, RADIO_DEFAULTS.tncQueueFrames);
  assert.equal(DEFAULT_FRAME_BYTES, RADIO_DEFAULTS.frameBytes);
  assert.equal(DEFAULT_TNC_QUEUE_FRAMES, RADIO_DEFAULTS.tncQueueFrames);
  const sim = resolveRadioParams();
  assert.equal(sim.txDelayMs, RADIO_DEFAULTS.txDelayMs);
  assert.equal(sim.txTailMs, RADIO_DEFAULTS.txTailMs);
  assert.equal(sim.persistence, RADIO_DEFAULTS.persistence);
  assert.equal(sim.slotTimeMs, RADIO_DEFAULTS.slotMs);
  assert.equal(AVERAGE_STUFFING, BIT_STUFFING);
  // the link's timers and the schedule's arithmetic are the same function
  for (const bitrate of [300, 1200, 9600]) {
    for (const n of [0, 40, 256, 2048]) assert.equal(frameAirMs(n, bitrate), frameAirtimeMs(n, { bitrate }));
    const t = { bitrate, txDelayMs: RADIO_DEFAULTS.txDelayMs, txTailMs: RADIO_DEFAULTS.txTailMs };
    assert.equal(keyUpMs(t, [256, 256, 40]), burstAirtimeMs([256, 256, 40], t));
  }
  assert.equal(frameAirtimeMs(0, { bitrate: 8000 }), (8 * AX25_FRAME_OVERHEAD_BYTES * (1 + BIT_STUFFING) * 1000) / 8000);
});

test('no other file in src/ defines a radio default of its own', () => {
  const src = new URL('../../src/', import.meta.url).pathname;
  const offenders: string[] = [];
  (function walk(dir: string) {
    for (const name of readdirSync(dir)) {
      const p = join(dir, name);
      if (statSync(p).isDirectory()) walk(p);
      else if (name.endsWith('.ts') && !p.endsWith(join('radio', 'radioDefaults.ts'))) {
        const text = readFileSync(p, 'utf8');
        for (const re of [/const\s+\w*TXDELAY\w*\s*=\s*\d/, /const\s+\w*TXTAIL\w*\s*=\s*\d/, /const\s+\w*STUFFING\w*\s*=\s*1\s*\/\s*62/, /const\s+\w*OVERHEAD_BYTES\s*=\s*20\b/]) {
          if (re.test(text)) offenders.push(`${p.slice(src.length)}: ${re}`);
        }
      }
    }
  })(src);
  assert.deepEqual(offenders, []);
});
