// One way to take a provider's webhook: verify the signature over the raw body, store the event
// in the inbox under the provider's event id, and process it once. A redelivery (even five at
// once) finds the stored row and answers 200 without doing anything. Processing errors are ours:
// the event stays in the inbox with the error and the cron sweep retries it, so the provider is
// told 200 and does not need to retry for days. Unhandled event types are stored and answered
// 200 too (a 400 would make the provider retry them forever).
import type { SupabaseClient } from "@supabase/supabase-js";
import * as z from "zod";
import { ApiError } from "../../http/errors.js";
import { log } from "../../log.js";
import { thenDeliver } from "../../notify/outbox/then-deliver.js";
import {
  markFailed,
  markProcessed,
  storeEvent,
  type WebhookEvent,
  type WebhookProvider,
} from "./inbox.js";

export interface WebhookSource {
  provider: WebhookProvider;
  /** The event, if the signature over the raw body verifies; undefined if it does not. */
  verify(rawBody: string, headers: Headers): Promise<WebhookEvent | undefined>;
  /** Applies the event to the ledger; answers what it did ("captured", "ignored: …"). */
  handle(event: WebhookEvent, service: SupabaseClient): Promise<string>;
}

export const WebhookReceipt = z
  .object({ received: z.literal(true), duplicate: z.boolean() })
  .meta({ id: "WebhookReceipt" });
export type WebhookReceipt = z.infer<typeof WebhookReceipt>;

/**
 * `service` stores and applies the event, once its signature has verified; what applying it
 * queued (a receipt, a refund notice) is delivered after the response.
 */
export function receiveWebhook(
  source: WebhookSource,
  headers: Headers,
  rawBody: string,
  service: SupabaseClient,
): Promise<WebhookReceipt> {
  return thenDeliver(service, receive(source, headers, rawBody, service));
}

async function receive(
  source: WebhookSource,
  headers: Headers,
  rawBody: string,
  service: SupabaseClient,
): Promise<WebhookReceipt> {
  const event = await source.verify(rawBody, headers);
  if (!event) {
    throw new ApiError("webhook_signature_invalid", "The signature does not match this body.");
  }
  const stored = await storeEvent(service, source.provider, event);
  if (stored === undefined) return { received: true, duplicate: true };
  await processStored(service, source, stored, event, 0);
  return { received: true, duplicate: false };
}

/** Runs the handler once for a stored event and records how it went. */
export async function processStored(
  service: SupabaseClient,
  source: WebhookSource,
  storedId: number,
  event: WebhookEvent,
  previousAttempts: number,
): Promise<boolean> {
  try {
    await markProcessed(service, storedId, await source.handle(event, service));
    return true;
  } catch (error) {
    log.error("webhook_processing_failed", {
      provider: source.provider,
      eventId: event.id,
      type: event.type,
      error,
    });
    const reason = error instanceof Error ? `${error.name}: ${error.message}` : "unknown error";
    await markFailed(service, storedId, previousAttempts + 1, reason);
    return false;
  }
}
