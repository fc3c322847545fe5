// Resend's delivery status webhooks. Resend signs them the Standard Webhooks way (Svix headers:
// svix-id, svix-timestamp, svix-signature over `${id}.${timestamp}.${body}`); the SDK's own
// helper checks the signature in constant time and refuses timestamps over five minutes old.
import type { SupabaseClient } from "@supabase/supabase-js";
import * as z from "zod";
import { requireConfig } from "../../env.js";
import { ApiError } from "../../http/errors.js";
import { markStatusFromProvider } from "../outbox/outbox-rows.js";
import { resendClient } from "../providers/resend-email.js";
import type { StatusWebhookReceipt } from "./status-receipt.js";

/** Resend's event → our status. A complaint means it arrived; a delay is not news. */
const STATUS_OF = {
  "email.delivered": "delivered",
  "email.complained": "delivered",
  "email.bounced": "bounced",
  "email.failed": "failed",
} as const;

const ResendEvent = z.object({
  type: z.string(),
  data: z.object({ email_id: z.string().min(1).max(200) }).optional(),
});

/** `service` records the status on the outbox row, once the signature has verified. */
export async function receiveResendStatus(
  headers: Headers,
  rawBody: string,
  service: SupabaseClient,
): Promise<StatusWebhookReceipt> {
  const { RESEND_API_KEY, RESEND_WEBHOOK_SECRET } = requireConfig(
    "Resend webhooks",
    "RESEND_API_KEY",
    "RESEND_WEBHOOK_SECRET",
  );
  const resend = await resendClient(RESEND_API_KEY);
  const header = (name: string) => headers.get(`svix-${name}`) ?? headers.get(`webhook-${name}`);
  let verified: unknown;
  try {
    verified = resend.webhooks.verify({
      payload: rawBody,
      headers: {
        id: header("id") ?? "",
        timestamp: header("timestamp") ?? "",
        signature: header("signature") ?? "",
      },
      webhookSecret: RESEND_WEBHOOK_SECRET,
    });
  } catch {
    throw new ApiError("webhook_signature_invalid", "The signature does not match this body.");
  }
  const event = ResendEvent.safeParse(verified);
  if (!event.success || event.data.data === undefined) return { received: true, updated: false };
  const status = STATUS_OF[event.data.type as keyof typeof STATUS_OF];
  if (status === undefined) return { received: true, updated: false };
  const updated = await markStatusFromProvider(service, "resend", event.data.data.email_id, status);
  return { received: true, updated };
}
