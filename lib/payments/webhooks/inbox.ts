// The durable inbox of provider webhook events (public.webhook_events): each event id is stored
// once, whoever delivers it how often; processing state lives beside it for the retry sweep.
import type { SupabaseClient } from "@supabase/supabase-js";
import * as z from "zod";
import type { ProviderName } from "../providers/types.js";

/**
 * Who sends webhooks into the inbox: the payment providers, Cal.com (issue 17, item 4), and
 * Stripe's Connect endpoint (events of shops' connected accounts, issue 20; its own signing
 * secret, so its events are kept apart from the platform endpoint's), and the shops' Telegram and
 * Viber bots (issue 22; event ids are "<connection id>:<update id>"), Meta's messaging webhook
 * (Facebook Pages and Instagram accounts; event ids are the message mids) and TikTok's.
 */
export type WebhookProvider =
  | ProviderName
  | "calcom"
  | "stripe_connect"
  | "telegram"
  | "viber"
  | "meta"
  | "tiktok";

export interface WebhookEvent {
  /** The provider's event id: Stripe `event.id`, Razorpay `x-razorpay-event-id`. */
  id: string;
  type: string;
  payload: unknown;
}

const InboxRow = z.object({ id: z.coerce.number().int() });

export const StoredEvent = z.object({
  id: z.coerce.number().int(),
  provider: z.enum([
    "razorpay",
    "stripe",
    "sandbox",
    "calcom",
    "stripe_connect",
    "telegram",
    "viber",
    "meta",
    "tiktok",
  ]),
  event_id: z.string(),
  event_type: z.string(),
  payload: z.unknown(),
  attempts: z.coerce.number().int(),
});
export type StoredEvent = z.infer<typeof StoredEvent>;

/** The new row's id, or undefined when this event id was already stored (a redelivery). */
export async function storeEvent(
  service: SupabaseClient,
  provider: WebhookProvider,
  event: WebhookEvent,
): Promise<number | undefined> {
  const { data, error } = await service
    .from("webhook_events")
    .upsert(
      { provider, event_id: event.id, event_type: event.type, payload: event.payload },
      { onConflict: "provider,event_id", ignoreDuplicates: true },
    )
    .select("id");
  if (error) throw new Error(`storing a webhook event failed: ${error.code} ${error.message}`);
  const rows = z.array(InboxRow).parse(data);
  return rows[0]?.id;
}

export async function markProcessed(
  service: SupabaseClient,
  id: number,
  outcome: string,
): Promise<void> {
  await update(service, id, { processed_at: new Date().toISOString(), outcome, last_error: null });
}

/** Keeps the event for the sweep; the error is ours, recorded without any payload. */
export async function markFailed(
  service: SupabaseClient,
  id: number,
  attempts: number,
  error: string,
): Promise<void> {
  await update(service, id, { attempts, last_error: error.slice(0, 500) });
}

async function update(
  service: SupabaseClient,
  id: number,
  values: Record<string, unknown>,
): Promise<void> {
  const { error } = await service.from("webhook_events").update(values).eq("id", id);
  if (error) throw new Error(`updating a webhook event failed: ${error.code} ${error.message}`);
}

/**
 * Events stored but not processed, oldest first, that have not failed too often and were
 * received before `receivedBefore` (so the sweep leaves alone one a delivery is still handling).
 */
export async function unprocessedEvents(
  service: SupabaseClient,
  maxAttempts: number,
  limit: number,
  receivedBefore: Date,
) {
  const { data, error } = await service
    .from("webhook_events")
    .select("id, provider, event_id, event_type, payload, attempts")
    .is("processed_at", null)
    .lt("attempts", maxAttempts)
    .lt("received_at", receivedBefore.toISOString())
    .order("received_at")
    .limit(limit);
  if (error) throw new Error(`reading webhook events failed: ${error.code} ${error.message}`);
  return z.array(StoredEvent).parse(data);
}
