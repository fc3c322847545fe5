// The outbox's rows as delivery sees them, and the database functions that move them along
// (supabase/migrations/20261121000700_notifications.sql): claim, then sent or failed.
import type { SupabaseClient } from "@supabase/supabase-js";
import * as z from "zod";

export const NotificationRow = z.object({
  id: z.uuid(),
  channel: z.enum(["email", "sms"]),
  template: z.string(),
  locale: z.string(),
  booking_id: z.uuid().nullable(),
  payment_id: z.uuid().nullable(),
  refund_id: z.uuid().nullable(),
  user_id: z.uuid().nullable(),
  data: z.record(z.string(), z.unknown()),
  idempotency_key: z.string(),
  attempts: z.coerce.number().int(),
});
export type NotificationRow = z.infer<typeof NotificationRow>;

/** Due rows, now 'sending' for two minutes under this worker's claim. */
export async function claimDue(service: SupabaseClient, limit: number): Promise<NotificationRow[]> {
  const { data, error } = await service.rpc("notifications_claim", { p_limit: limit });
  if (error) throw new Error(`claiming notifications failed: ${error.code} ${error.message}`);
  return z.array(NotificationRow).parse(data);
}

export type SentBy = "resend" | "twilio" | "outbox";

export async function markSent(
  service: SupabaseClient,
  id: string,
  provider: SentBy,
  messageId: string,
): Promise<void> {
  const { error } = await service.rpc("notifications_mark_sent", {
    p_id: id,
    p_provider: provider,
    p_provider_message_id: messageId,
  });
  if (error)
    throw new Error(`recording a sent notification failed: ${error.code} ${error.message}`);
}

/** Queued again with backoff, or failed for good when `final` or out of attempts. */
export async function markFailed(
  service: SupabaseClient,
  id: string,
  reason: string,
  final: boolean,
): Promise<void> {
  const { error } = await service.rpc("notifications_mark_failed", {
    p_id: id,
    p_error: reason,
    p_final: final,
  });
  if (error) {
    throw new Error(`recording a failed notification failed: ${error.code} ${error.message}`);
  }
}

/** Whether the provider's report moved the row (false: unknown message, or not forward). */
export async function markStatusFromProvider(
  service: SupabaseClient,
  provider: Exclude<SentBy, "outbox">,
  messageId: string,
  status: "delivered" | "bounced" | "failed",
): Promise<boolean> {
  const { data, error } = await service.rpc("notifications_mark_status_from_provider", {
    p_provider: provider,
    p_provider_message_id: messageId,
    p_status: status,
  });
  if (error) throw new Error(`recording a delivery status failed: ${error.code} ${error.message}`);
  return data === true;
}
