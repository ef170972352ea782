/** The radio simulator: a virtual half-duplex channel (virtual or real time) and the `radiosync sim` hub. */
export * from './airtime.js';
export * from './errors.js';
export * from './lossModels.js';
export * from './RadioChannel.js';
export * from './SimRadio.js';
export * from './SimKissPort.js';
export * from './StationAirStats.js';
export * from './PtyBridge.js';
export * from './SimHub.js';
export * from './hubReport.js';
export * from './simEntry.js';
