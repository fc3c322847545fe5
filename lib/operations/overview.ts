// GET /api/admin/operations: what needs a human now. One database call
// (public.operations_overview, supabase/migrations/20261121002100_operations.sql) answers every
// condition in the list of condition queries — count, oldest, the first ids to act on — with the
// caller's scope applied in SQL (admins everything, staff their practitioners' items only); for
// admins this adds each scheduled job's heartbeat against its schedule and the open alerts.
import type { SupabaseClient } from "@supabase/supabase-js";
import * as z from "zod";
import { ApiError } from "../http/errors.js";
import { jobMissedRuns, thresholdSeconds } from "./config.js";
import { SCHEDULED_JOBS } from "./jobs.js";

/** Postgres writes timestamps with a +00:00 offset; the API answers ISO instants. */
const instant = z.string().transform((text) => new Date(text).toISOString());

const ConditionRow = z.object({
  key: z.string(),
  title: z.string(),
  thresholdSeconds: z.coerce.number().int(),
  count: z.coerce.number().int(),
  oldestAt: instant.nullable(),
  ids: z.array(z.string()),
});

const OverviewRow = z.object({
  conditions: z.array(ConditionRow),
  jobs: z.array(
    z.object({
      job: z.string(),
      lastSuccessAt: instant,
      lastDurationMs: z.coerce.number().int().nullable(),
      runs: z.coerce.number().int(),
    }),
  ),
  alerts: z.array(
    z.object({
      id: z.uuid(),
      condition: z.string(),
      title: z.string(),
      openedAt: instant,
      acknowledgedAt: instant.nullable(),
      count: z.coerce.number().int(),
    }),
  ),
});

export const OperationsCondition = z
  .object({
    key: z.string().describe("The condition's key, e.g. webhook_events_failing"),
    title: z.string(),
    thresholdSeconds: z.number().int().describe("How long an item may be stuck before it counts"),
    count: z.number().int().describe("Items stuck beyond the threshold"),
    oldestAt: z.string().nullable().describe("Since when the oldest of them is stuck"),
    ids: z.array(z.string()).describe("The oldest items' ids (at most `limit`), to act on"),
  })
  .meta({ id: "OperationsCondition" });

export const OperationsJob = z
  .object({
    job: z.string().describe("Its path under /api/cron/"),
    everyMinutes: z.number().int().describe("How often it is guaranteed to run"),
    lastSuccessAt: z.string().nullable().describe("Its last successful run; null: never yet"),
    lastDurationMs: z.number().int().nullable(),
    late: z.boolean().describe("It missed OPERATIONS_JOB_MISSED_RUNS runs in a row"),
  })
  .meta({ id: "OperationsJob" });

export const OperationsAlert = z
  .object({
    id: z.uuid(),
    condition: z.string(),
    title: z.string(),
    openedAt: z.string(),
    acknowledgedAt: z.string().nullable(),
    count: z.number().int(),
  })
  .meta({ id: "OperationsAlert" });

export const OperationsView = z
  .object({
    generatedAt: z.string(),
    /** How many conditions have items beyond their threshold, plus late jobs. */
    needsAttention: z.number().int(),
    conditions: z.array(OperationsCondition),
    jobs: z.array(OperationsJob),
    alerts: z.array(OperationsAlert),
  })
  .meta({ id: "OperationsView" });
export type OperationsView = z.infer<typeof OperationsView>;

export const OperationsQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(100).default(20).describe("Ids per condition"),
});

/**
 * `client`: the caller's own (db.user), whose role the SQL reads, or the service client for the
 * alert job (everything). `admin`: whether the jobs count (they are the admins' alone).
 */
export async function readOperations(
  client: SupabaseClient,
  options: { admin: boolean; limit?: number; now?: Date },
): Promise<OperationsView> {
  const now = options.now ?? new Date();
  const { data, error } = await client.rpc("operations_overview", {
    p_thresholds: thresholdSeconds(),
    p_limit: options.limit ?? 20,
  });
  if (error?.code === "42501") {
    throw new ApiError("forbidden", "Your account does not have the role this needs.");
  }
  if (error) throw new Error(`reading operations failed: ${error.code} ${error.message}`);
  const overview = OverviewRow.parse(data);
  const jobs = options.admin ? jobStates(overview.jobs, now) : [];
  return {
    generatedAt: now.toISOString(),
    needsAttention:
      overview.conditions.filter((condition) => condition.count > 0).length +
      jobs.filter((job) => job.late).length,
    conditions: overview.conditions,
    jobs,
    alerts: overview.alerts,
  };
}

type Heartbeat = z.infer<typeof OverviewRow>["jobs"][number];

/**
 * Each scheduled job against its schedule. A job that never ran is not late (a new deployment
 * has run nothing yet); one that ran and then stopped is, after the runs it may miss.
 */
function jobStates(heartbeats: Heartbeat[], now: Date): z.infer<typeof OperationsJob>[] {
  const byJob = new Map(heartbeats.map((beat) => [beat.job, beat]));
  const missed = jobMissedRuns();
  return SCHEDULED_JOBS.map(({ job, everyMinutes }) => {
    const beat = byJob.get(job);
    const lastSuccessAt = beat?.lastSuccessAt ?? null;
    const late =
      lastSuccessAt !== null &&
      now.getTime() - Date.parse(lastSuccessAt) > missed * everyMinutes * 60_000;
    return {
      job,
      everyMinutes,
      lastSuccessAt,
      lastDurationMs: beat?.lastDurationMs ?? null,
      late,
    };
  });
}
