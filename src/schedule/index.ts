// The schedule layer's exports in one place. The public API (src/index.ts) re-exports none of them.
export * from '../radio/airtime.js';
export * from './Budget.js';
export * from './BurstPlanner.js';
export * from './DutyCycle.js';
export * from './errors.js';
export * from './fromConfig.js';
export * from './queuePlan.js';
export * from './TransmitWindows.js';
export * from './scheduleStatus.js';
