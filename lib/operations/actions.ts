// The operations actions (api/admin/operations/…): what fixes the common cases now instead of at
// the next sweep, each recorded in public.staff_actions with the admin who asked. They reuse the
// sweeps' own steps: a stored webhook event is processed as settle-payments processes it, a
// message is delivered as the outbox delivers it, a payment is settled by the settle job's
// per-payment function.
import type { SupabaseClient } from "@supabase/supabase-js";
import * as z from "zod";
import { settlePayment } from "../cron/settle-payments.js";
import { ApiError } from "../http/errors.js";
import { deliverQueued } from "../notify/outbox/then-deliver.js";
import { StoredEvent } from "../payments/webhooks/inbox.js";
import { processStored } from "../payments/webhooks/receive.js";
import { webhookSource } from "../payments/webhooks/sources.js";

export const WebhookEventParams = z.strictObject({ id: z.coerce.number().int().positive() });
export const UuidParams = z.strictObject({ id: z.uuid() });

export const WebhookEventRetry = z
  .object({
    id: z.number().int(),
    processed: z.boolean().describe("Whether processing succeeded this time"),
    attempts: z.number().int(),
  })
  .meta({ id: "WebhookEventRetry" });

export const NotificationRetry = z
  .object({
    id: z.uuid(),
    status: z.enum(["queued", "sending", "sent", "delivered", "failed", "bounced"]),
  })
  .meta({ id: "NotificationRetry" });

export const AlertAcknowledgement = z
  .object({ id: z.uuid(), condition: z.string(), acknowledgedAt: z.string() })
  .meta({ id: "AlertAcknowledgement" });

export const PaymentSettlement = z
  .object({
    paymentId: z.uuid(),
    refundsRequested: z.number().int(),
    refundsFailed: z.number().int(),
    reconciled: z.number().int().describe("1 when a capture the ledger had missed was recorded"),
  })
  .meta({ id: "PaymentSettlement" });

/**
 * staff_actions names its subject by uuid; a webhook event's id is a number, written as the uuid
 * whose last 12 hex digits are that number (00000000-0000-0000-0000-00000000002a for 42).
 */
export const webhookEventSubject = (id: number) =>
  `00000000-0000-0000-0000-${id.toString(16).padStart(12, "0")}`;

async function audit(
  service: SupabaseClient,
  actor: string,
  action: string,
  table: string,
  subjectId: string,
  detail: Record<string, unknown> = {},
) {
  const { error } = await service.rpc("record_staff_action", {
    p_actor: actor,
    p_action: action,
    p_subject_table: table,
    p_subject_id: subjectId,
    p_detail: detail,
  });
  if (error) throw new Error(`recording a staff action failed: ${error.code} ${error.message}`);
}

/** Processes a stored event that is not processed yet, once, now. 404: none such; 409: done. */
export async function retryWebhookEvent(
  service: SupabaseClient,
  actor: string,
  id: number,
): Promise<z.infer<typeof WebhookEventRetry>> {
  const { data, error } = await service
    .from("webhook_events")
    .select("id, provider, event_id, event_type, payload, attempts, processed_at")
    .eq("id", id)
    .maybeSingle();
  if (error) throw new Error(`reading a webhook event failed: ${error.code} ${error.message}`);
  if (data === null) throw new ApiError("not_found", "No such webhook event.");
  if (data.processed_at !== null) {
    throw new ApiError("conflict", "This webhook event was processed already.");
  }
  const event = StoredEvent.parse(data);
  await audit(service, actor, "webhook_event.retry", "webhook_events", webhookEventSubject(id), {
    provider: event.provider,
    type: event.event_type,
  });
  const processed = await processStored(
    service,
    await webhookSource(event.provider),
    event.id,
    { id: event.event_id, type: event.event_type, payload: event.payload },
    event.attempts,
  );
  return { id, processed, attempts: processed ? event.attempts : event.attempts + 1 };
}

/** Queues a failed or bounced message again and delivers it now. 404 unless failed or bounced. */
export async function retryNotification(
  service: SupabaseClient,
  actor: string,
  id: string,
): Promise<z.infer<typeof NotificationRetry>> {
  const { data, error } = await service.rpc("operations_requeue_notification", {
    p_id: id,
    p_actor: actor,
  });
  if (error) throw new Error(`queueing a message again failed: ${error.code} ${error.message}`);
  if (data !== true) throw new ApiError("not_found", "No failed or bounced message with this id.");
  await deliverQueued(service);
  const row = await service.from("notifications").select("status").eq("id", id).single();
  if (row.error) throw new Error(`reading a message failed: ${row.error.code}`);
  return { id, status: NotificationRetry.shape.status.parse(row.data.status) };
}

/** `client`: the admin's own: the SQL checks the role and records who acknowledged. */
export async function acknowledgeAlert(
  client: SupabaseClient,
  id: string,
): Promise<z.infer<typeof AlertAcknowledgement>> {
  const { data, error } = await client.rpc("operations_acknowledge_alert", { p_id: id });
  if (error?.code === "PT404") throw new ApiError("not_found", "No open alert with this id.");
  if (error?.code === "42501") {
    throw new ApiError("forbidden", "Your account does not have the role this needs.");
  }
  if (error) throw new Error(`acknowledging an alert failed: ${error.code} ${error.message}`);
  const answer = z
    .object({ id: z.uuid(), condition: z.string(), acknowledgedAt: z.string() })
    .parse(data);
  return { ...answer, acknowledgedAt: new Date(answer.acknowledgedAt).toISOString() };
}

/** The settle job for one payment, now. 404: no such payment. */
export async function settleOnePayment(
  service: SupabaseClient,
  actor: string,
  paymentId: string,
): Promise<z.infer<typeof PaymentSettlement>> {
  const { data, error } = await service.from("payments").select("id").eq("id", paymentId);
  if (error) throw new Error(`reading a payment failed: ${error.code} ${error.message}`);
  if (data.length === 0) throw new ApiError("not_found", "No such payment.");
  await audit(service, actor, "payment.settle", "payments", paymentId);
  const sweep = await settlePayment(service, paymentId);
  return {
    paymentId,
    refundsRequested: sweep.refundsRequested,
    refundsFailed: sweep.refundsFailed,
    reconciled: sweep.reconciled,
  };
}
