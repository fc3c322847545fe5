// Delivery: claim due outbox rows, compose and render each message, hand it to its channel's
// sender, record the outcome. Started three ways, all through this one function: by the database
// right after a transaction that queued rows commits (the outbox trigger calls
// POST /api/cron/deliver-notifications through pg_net), right after a response that enqueued
// something (afterResponse, in the privileged function that wrote it), and by the sweeps (pg_cron
// every minute while a retry is due, Vercel Cron daily), which retry what failed with backoff.
// Each row is claimed before it is sent, so runs that overlap never send one twice. Whatever goes
// wrong with one row is recorded on that row; the others carry on.
import type { SupabaseClient } from "@supabase/supabase-js";
import * as z from "zod";
import { env } from "../../env.js";
import { ApiError } from "../../http/errors.js";
import { log } from "../../log.js";
import { SendFailure } from "../providers/types.js";
import { render } from "../templates/render.js";
import { TemplateVariablesError } from "../templates/template-errors.js";
import { composeMessage, Undeliverable } from "./compose.js";
import { claimDue, markFailed, markSent, type NotificationRow } from "./outbox-rows.js";
import { senderFor } from "./senders.js";

/** Rows claimed at once: each send waits on a provider, so a batch is sent side by side. */
const BATCH = 10;
/** A run stops after this many batches, leaving the rest to the next run. */
const MAX_BATCHES = 10;
/** The migration's limit: the eighth failed attempt is the last. */
const MAX_ATTEMPTS = 8;

export const NotificationsDelivery = z
  .object({
    sent: z.number().int(),
    /** Failed this time, queued again with backoff. */
    retrying: z.number().int(),
    /** Failed for good: nobody to send to, or out of attempts. */
    failed: z.number().int(),
  })
  .meta({ id: "NotificationsDelivery" });
export type NotificationsDelivery = z.infer<typeof NotificationsDelivery>;

type Outcome = keyof NotificationsDelivery;

/** `service`: outbox rows and what they are about are the server's to read. */
export async function deliverNotifications(
  service: SupabaseClient,
): Promise<NotificationsDelivery> {
  const delivery: NotificationsDelivery = { sent: 0, retrying: 0, failed: 0 };
  for (let batch = 0; batch < MAX_BATCHES; batch += 1) {
    const rows = await claimDue(service, BATCH);
    const outcomes = await Promise.all(rows.map((row) => deliverOne(service, row)));
    for (const outcome of outcomes) delivery[outcome] += 1;
    if (rows.length < BATCH) break;
  }
  await syncCalcom(service);
  return delivery;
}

/**
 * Cal.com hears of confirmed, cancelled and moved bookings with the notifications, on the same
 * runs (after the response, the sweeps): lib/scheduling/calcom/sync.ts, loaded only where
 * Cal.com is configured. Its failures are its own, recorded on its rows and retried there.
 */
async function syncCalcom(service: SupabaseClient): Promise<void> {
  if (env().CALCOM_API_KEY === undefined) return;
  try {
    await (await import("../../scheduling/calcom/sync.js")).syncCalcomBookings(service);
  } catch (error) {
    log.error("calcom_sync_run_failed", { error });
  }
}

async function deliverOne(service: SupabaseClient, row: NotificationRow): Promise<Outcome> {
  try {
    const message = await composeMessage(service, row);
    const rendered = render(message.template, message.variables, row.locale);
    const sender = await senderFor(row.channel, service);
    const messageId = await sender.send({
      notificationId: row.id,
      idempotencyKey: row.idempotency_key,
      channel: row.channel,
      template: row.template,
      to: message.to,
      rendered,
    });
    await markSent(service, row.id, sender.provider, messageId);
    return "sent";
  } catch (error) {
    const { reason, final } = failureOf(error);
    log.warn("notification_not_sent", {
      notificationId: row.id,
      template: row.template,
      channel: row.channel,
      attempt: row.attempts,
      reason,
      ...(!(error instanceof SendFailure || error instanceof Undeliverable) && { error }),
    });
    await markFailed(service, row.id, reason, final);
    return final || row.attempts >= MAX_ATTEMPTS ? "failed" : "retrying";
  }
}

/** What is recorded on the row (never a provider's text or anything personal) and whether to retry. */
function failureOf(error: unknown): { reason: string; final: boolean } {
  if (error instanceof Undeliverable) return { reason: error.message, final: true };
  if (error instanceof TemplateVariablesError)
    return { reason: "template_variables_invalid", final: true };
  if (error instanceof SendFailure) return { reason: error.message, final: error.final };
  if (error instanceof ApiError) return { reason: error.code, final: false };
  return { reason: "delivery_error", final: false };
}
