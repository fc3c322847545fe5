// The alert job (api/cron/operations-alerts.ts): evaluates every condition of the operations
// view and every scheduled job, and records the states in one call
// (public.operations_record_alerts), which keeps one open alert per condition: crossing the
// threshold opens it and enqueues one operations_alert email through the outbox, clearing closes
// it and enqueues one more; anything in between only refreshes its counts. Each transition also
// goes, when OPERATIONS_ALERT_WEBHOOK_URL is set, to that URL as signed JSON (lib/operations/
// alert-webhook.ts). The emails are delivered after the response, like every outbox row.
import type { SupabaseClient } from "@supabase/supabase-js";
import * as z from "zod";
import { thenDeliver } from "../notify/outbox/then-deliver.js";
import { type AlertTransition, sendAlertWebhook } from "./alert-webhook.js";
import { readOperations } from "./overview.js";

export const AlertsRun = z
  .object({
    /** Conditions and jobs evaluated. */
    evaluated: z.number().int(),
    /** Conditions and jobs (job_late:<job>) that crossed their threshold on this run. */
    opened: z.array(z.string()),
    /** Those whose items are no longer stuck. */
    cleared: z.array(z.string()),
    /** The signed JSON webhook's outcome for this run's transitions. */
    webhook: z.enum(["sent", "failed", "not_configured", "nothing_to_send"]),
  })
  .meta({ id: "OperationsAlertsRun" });
export type AlertsRun = z.infer<typeof AlertsRun>;

interface ConditionState {
  condition: string;
  title: string;
  active: boolean;
  count: number;
  oldestAt: string | null;
  ids: string[];
}

const Transition = z.object({
  alertId: z.uuid(),
  condition: z.string(),
  transition: z.enum(["opened", "cleared"]),
});

export function evaluateAlerts(service: SupabaseClient, now = new Date()): Promise<AlertsRun> {
  return thenDeliver(service, recordAlerts(service, now));
}

async function recordAlerts(service: SupabaseClient, now: Date): Promise<AlertsRun> {
  const view = await readOperations(service, { admin: true, now });
  const states: ConditionState[] = [
    ...view.conditions.map((condition) => ({
      condition: condition.key,
      title: condition.title,
      active: condition.count > 0,
      count: condition.count,
      oldestAt: condition.oldestAt,
      ids: condition.ids,
    })),
    ...view.jobs.map((job) => ({
      condition: `job_late:${job.job}`,
      title: `Scheduled job ${job.job} missed its runs`,
      active: job.late,
      count: job.late ? 1 : 0,
      oldestAt: job.lastSuccessAt,
      ids: [job.job],
    })),
  ];
  const { data, error } = await service.rpc("operations_record_alerts", { p_states: states });
  if (error) throw new Error(`recording alerts failed: ${error.code} ${error.message}`);
  const transitions = z.array(Transition).parse(data);
  const byCondition = new Map(states.map((state) => [state.condition, state]));
  const sent: AlertTransition[] = transitions.map((transition) => {
    const state = byCondition.get(transition.condition);
    return {
      ...transition,
      title: state?.title ?? transition.condition,
      count: state?.count ?? 0,
      oldestAt: state?.oldestAt ?? null,
      ids: state?.ids ?? [],
    };
  });
  return {
    evaluated: states.length,
    opened: transitions.filter((t) => t.transition === "opened").map((t) => t.condition),
    cleared: transitions.filter((t) => t.transition === "cleared").map((t) => t.condition),
    webhook: await sendAlertWebhook(sent),
  };
}
