// What the status webhooks answer. Status only moves forward in the database, so a redelivered,
// late or unknown event is answered 200 and changes nothing; no inbox is needed (unlike
// payments, whose events trigger work that can fail and must be retried).
import * as z from "zod";

export const StatusWebhookReceipt = z
  .object({ received: z.literal(true), updated: z.boolean() })
  .meta({ id: "StatusWebhookReceipt" });
export type StatusWebhookReceipt = z.infer<typeof StatusWebhookReceipt>;
