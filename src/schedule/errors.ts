import { EXIT, type ErrorCatalog } from '../errors/RadiosyncError.js';

/** Error codes of the schedule layer (budgets, windows, duty cycle). */
export const SCHEDULE_ERRORS = {
  RS_ERR_BUDGET_EXHAUSTED: {
    exit: EXIT.TEMPFAIL,
    description:
      'A byte or airtime budget (global or per peer, per hour or per day) is spent; data.retryAt says when enough rolls out of the window. Raise the budget in [budget] or wait.',
  },
  RS_ERR_OUTSIDE_WINDOW: {
    exit: EXIT.TEMPFAIL,
    description:
      'No transmit window is open now; data.nextStart says when the next one opens. Edit [[schedule.window]] or wait.',
  },
  RS_ERR_DUTY_CYCLE: {
    exit: EXIT.TEMPFAIL,
    description:
      'The duty-cycle cap (schedule.duty_cycle_pct over schedule.duty_cycle_window_s) would be exceeded; data.retryAt says when transmitting may resume.',
  },
  RS_ERR_BUDGET_STATE_UNSUPPORTED: {
    exit: EXIT.DATA,
    description:
      'The budget state saved in the station log (what was sent in the last day, for the byte and airtime budgets) has a version this radiosync does not read, so it cannot tell how much budget is left; data.version names it. Nothing was sent. Run the radiosync that wrote it (a newer one).',
  },
  RS_ERR_SCHEDULE_INVALID: {
    exit: EXIT.CONFIG,
    description: 'A schedule argument is invalid (bad cron expression, timezone, negative duration or cap); data.key names it.',
  },
} as const satisfies ErrorCatalog;

export type ScheduleErrorCode = keyof typeof SCHEDULE_ERRORS;
