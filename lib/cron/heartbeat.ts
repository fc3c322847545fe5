// Every scheduled job's last successful run (public.job_heartbeats), recorded after the job
// returns, so GET /api/admin/operations and the alert job can tell a job that stopped running
// from one that had nothing to do. Each api/cron/ endpoint wraps its one lib call in it; a job
// that throws records nothing. A failed heartbeat write is logged, never the job's failure: the
// work is done, and the next run records it again.
import type { SupabaseClient } from "@supabase/supabase-js";
import { log } from "../log.js";

/** The job's name is its path under /api/cron/ (lib/operations/jobs.ts lists their schedules). */
export async function withHeartbeat<T>(
  service: SupabaseClient,
  job: string,
  run: () => Promise<T>,
): Promise<T> {
  const startedAt = performance.now();
  const result = await run();
  const { error } = await service.rpc("record_job_heartbeat", {
    p_job: job,
    p_duration_ms: Math.round(performance.now() - startedAt),
  });
  if (error) log.error("job_heartbeat_failed", { job, code: error.code });
  return result;
}
