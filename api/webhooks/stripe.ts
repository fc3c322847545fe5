import { endpoint } from "../../lib/http/endpoint.js";
import { route } from "../../lib/http/route.js";
import { PROVIDER_WEBHOOK } from "../../lib/http/spec-presets.js";
import { receiveWebhook, WebhookReceipt } from "../../lib/payments/webhooks/receive.js";
import { stripeWebhookSource } from "../../lib/payments/webhooks/stripe-webhook.js";

export default route({
  POST: endpoint(
    {
      summary: "Stripe webhook",
      description:
        "For Stripe only: the Stripe-Signature header must verify over the raw body with the endpoint's signing secret, within 300 seconds; otherwise 400 and nothing is stored. Each event is stored once by its id and processed once; a repeated delivery answers 200 and changes nothing, and so does an event type we do not handle. Also served at /api/payments/webhook and /api/subscriptions/webhook.",
      ...PROVIDER_WEBHOOK,
      response: WebhookReceipt,
      errors: ["webhook_signature_invalid", "provider_not_configured"],
    },
    ({ headers, rawBody, db }) =>
      receiveWebhook(stripeWebhookSource(), headers, rawBody, db.service),
  ),
});
