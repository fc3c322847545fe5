// Twilio's message status callbacks. Twilio signs each one (X-Twilio-Signature) over the URL it
// called and the form parameters, with the account's auth token; the URL is the status callback
// every message was sent with (twilioStatusCallbackUrl), the public address behind any proxy.
import type { SupabaseClient } from "@supabase/supabase-js";
import { requireConfig } from "../../env.js";
import { ApiError } from "../../http/errors.js";
import { markStatusFromProvider } from "../outbox/outbox-rows.js";
import { twilioStatusCallbackUrl } from "../providers/twilio-sms.js";
import type { StatusWebhookReceipt } from "./status-receipt.js";

/** Twilio's MessageStatus → our status; queued/sending/sent are already 'sent' to us. */
const STATUS_OF = {
  delivered: "delivered",
  undelivered: "bounced",
  failed: "failed",
} as const;

const MESSAGE_SID = /^(SM|MM)[0-9a-fA-F]{32}$/;

/** `service` records the status on the outbox row, once the signature has verified. */
export async function receiveTwilioStatus(
  headers: Headers,
  rawBody: string,
  service: SupabaseClient,
): Promise<StatusWebhookReceipt> {
  const { TWILIO_AUTH_TOKEN } = requireConfig("Twilio webhooks", "TWILIO_AUTH_TOKEN");
  const params = Object.fromEntries(new URLSearchParams(rawBody));
  const signature = headers.get("x-twilio-signature") ?? "";
  const { default: twilio } = await import("twilio");
  if (!twilio.validateRequest(TWILIO_AUTH_TOKEN, signature, twilioStatusCallbackUrl(), params)) {
    throw new ApiError("webhook_signature_invalid", "The signature does not match this body.");
  }
  const status = STATUS_OF[params.MessageStatus as keyof typeof STATUS_OF];
  const sid = params.MessageSid ?? "";
  if (status === undefined || !MESSAGE_SID.test(sid)) return { received: true, updated: false };
  return { received: true, updated: await markStatusFromProvider(service, "twilio", sid, status) };
}
