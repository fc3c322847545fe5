// The scheduled jobs and the schedule each is guaranteed: Vercel Cron's daily run (vercel.json;
// tests/api/operations-view.test.ts keeps the two lists equal). Where pg_cron runs some of them
// more often (README "Scheduled jobs"), their heartbeats are only fresher; late means a job
// missed its guaranteed runs (OPERATIONS_JOB_MISSED_RUNS of them, 2 by default).
const DAILY = 24 * 60;

export interface ScheduledJob {
  /** Its path under /api/cron/, as it records its heartbeat (lib/cron/heartbeat.ts). */
  job: string;
  everyMinutes: number;
}

export const SCHEDULED_JOBS: readonly ScheduledJob[] = [
  { job: "expire-holds", everyMinutes: DAILY },
  { job: "purge-consent", everyMinutes: DAILY },
  { job: "settle-payments", everyMinutes: DAILY },
  { job: "deliver-notifications", everyMinutes: DAILY },
  { job: "reminders", everyMinutes: DAILY },
  { job: "purge-bookings", everyMinutes: DAILY },
  { job: "operations-alerts", everyMinutes: DAILY },
  { job: "refresh-channel-tokens", everyMinutes: DAILY },
  { job: "flight-orders", everyMinutes: DAILY },
];
