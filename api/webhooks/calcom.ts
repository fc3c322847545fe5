import { endpoint } from "../../lib/http/endpoint.js";
import { route } from "../../lib/http/route.js";
import { PROVIDER_WEBHOOK } from "../../lib/http/spec-presets.js";
import { receiveWebhook, WebhookReceipt } from "../../lib/payments/webhooks/receive.js";
import { calcomWebhookSource } from "../../lib/scheduling/calcom/webhook.js";

export default route({
  POST: endpoint(
    {
      summary: "Cal.com webhook",
      description:
        "For Cal.com only (Settings → Developer → Webhooks, with a secret): the X-Cal-Signature-256 header must be the hex HMAC-SHA256 of the raw body with CALCOM_WEBHOOK_SECRET; otherwise 400 and nothing is stored (503 provider_not_configured without the secret). Each delivery is stored once, keyed by its signed body, and processed once; a repeated delivery answers 200 and changes nothing. BOOKING_CANCELLED cancels the booking made on Cal.com for it (a confirmed booking's price becomes due back, as when staff cancel), BOOKING_RESCHEDULED moves it to the new start; any other trigger, or a Cal.com booking Bastion did not make, is stored and answered 200. Only the trigger, the booking uids, the start and a short cancellation reason are kept; attendees' names and emails are not.",
      ...PROVIDER_WEBHOOK,
      response: WebhookReceipt,
      errors: ["webhook_signature_invalid", "provider_not_configured"],
    },
    ({ headers, rawBody, db }) =>
      receiveWebhook(calcomWebhookSource(), headers, rawBody, db.service),
  ),
});
