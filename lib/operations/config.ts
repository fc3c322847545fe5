// The operations thresholds: how long an item may be stuck before it needs a human, per
// condition (minutes), and how many runs a scheduled job may miss. Configuration
// (OPERATIONS_THRESHOLDS, OPERATIONS_JOB_MISSED_RUNS) over these defaults; a condition another
// domain adds later without a default here uses its row's default_threshold_seconds.
import { env } from "../env.js";

export const OPERATIONS_DEFAULT_MINUTES: Readonly<Record<string, number>> = {
  webhook_events_failing: 30,
  messages_failed: 0,
  messages_stuck: 30,
  refunds_owed: 15,
  refunds_pending: 60,
  captures_unmatched: 10,
  reconciliation_mismatches: 10,
  disputes_open: 0,
};

export const DEFAULT_JOB_MISSED_RUNS = 2;

/** Condition key → seconds, as public.operations_overview takes them. */
export function thresholdSeconds(): Record<string, number> {
  const minutes = { ...OPERATIONS_DEFAULT_MINUTES, ...env().OPERATIONS_THRESHOLDS };
  return Object.fromEntries(Object.entries(minutes).map(([key, value]) => [key, value * 60]));
}

export const jobMissedRuns = () => env().OPERATIONS_JOB_MISSED_RUNS ?? DEFAULT_JOB_MISSED_RUNS;
