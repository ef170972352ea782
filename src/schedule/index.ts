// Public surface of the schedule layer (re-exported by src/index.ts at the lead's discretion).
export * from './airtime.js';
export * from './Budget.js';
export * from './BurstPlanner.js';
export * from './DutyCycle.js';
export * from './errors.js';
export * from './fromConfig.js';
export * from './queuePlan.js';
export * from './TransmitWindows.js';
export * from './scheduleStatus.js';
