/**
 * Process entry for one direction of the audio path (see audioChannel.ts).
 * Usage: node --import tsx test/interop/channelMain.ts '<AudioChannelOptions JSON>' <stats.json>
 * Writes its stats to <stats.json> every STATS_INTERVAL_MS and on SIGTERM, then exits.
 */
import { renameSync, writeFileSync } from 'node:fs';
import { AudioChannel, type AudioChannelOptions } from './audioChannel.js';

/** How often the stats file is refreshed, so a reader never sees figures older than this. */
const STATS_INTERVAL_MS = 500;

const [optsJson, statsFile] = process.argv.slice(2);
if (!optsJson || !statsFile) {
  process.stderr.write('usage: channelMain.ts <options-json> <stats-file>\n');
  process.exit(64);
}
const channel = new AudioChannel(JSON.parse(optsJson) as AudioChannelOptions);
// Write-then-rename, so a reader never sees a half-written file.
const dump = () => {
  writeFileSync(`${statsFile}.tmp`, JSON.stringify(channel.stats));
  renameSync(`${statsFile}.tmp`, statsFile);
};
channel.start();
dump();
const statsTimer = setInterval(dump, STATS_INTERVAL_MS);
const stop = () => {
  clearInterval(statsTimer);
  channel.stop();
  dump();
  process.exit(0);
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
