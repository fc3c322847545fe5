// The reminder sweep (vercel.json's daily cron → GET /api/cron/reminders): enqueues
// booking_reminder 24 hours and 1 hour before every confirmed session
// (public.enqueue_due_reminders, in supabase/migrations/20261121000700_notifications.sql, says
// which are due and why each is enqueued once however many runs overlap). The database's pg_cron
// job calls that function itself every 15 minutes
// (20261121000800_database_webhooks_and_schedules.sql); this endpoint is the safety net where
// pg_cron is off. They are delivered right after the response, and by the outbox trigger; what
// fails is retried by the delivery sweep, like every other row in the outbox.
import type { SupabaseClient } from "@supabase/supabase-js";
import * as z from "zod";
import { thenDeliver } from "../notify/outbox/then-deliver.js";

export const ReminderSweep = z.object({ enqueued: z.number().int() }).meta({ id: "ReminderSweep" });
export type ReminderSweep = z.infer<typeof ReminderSweep>;

export function sendDueReminders(
  service: SupabaseClient,
  now = new Date(),
): Promise<ReminderSweep> {
  return thenDeliver(service, enqueueDueReminders(service, now));
}

async function enqueueDueReminders(service: SupabaseClient, now: Date): Promise<ReminderSweep> {
  const { data, error } = await service.rpc("enqueue_due_reminders", {
    p_now: now.toISOString(),
  });
  if (error) throw new Error(`enqueuing reminders failed: ${error.code} ${error.message}`);
  return { enqueued: z.number().int().parse(data) };
}
