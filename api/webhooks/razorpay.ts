import { WEBHOOK_BODY_LIMIT_BYTES } from "../../lib/http/body.js";
import { endpoint } from "../../lib/http/endpoint.js";
import { route } from "../../lib/http/route.js";
import { thenDeliver } from "../../lib/notify/outbox/deliver.js";
import { orderProviderWebhookSource } from "../../lib/payments/webhooks/razorpay-events.js";
import { receiveWebhook, WebhookReceipt } from "../../lib/payments/webhooks/receive.js";

export default route({
  POST: endpoint(
    {
      summary: "Razorpay webhook",
      description:
        "For Razorpay only: the X-Razorpay-Signature header must be the HMAC-SHA256 of the raw body with the webhook secret, and X-Razorpay-Event-Id must name the event; otherwise 400 and nothing is stored. Each event is stored once by its id and processed once: a repeated delivery answers 200 and changes nothing, and so does an event type we do not handle or an order we did not make. Payments are re-fetched from Razorpay before anything changes.",
      tags: ["webhooks"],
      auth: "public",
      rawBody: true,
      privileged: "webhook",
      bodyLimitBytes: WEBHOOK_BODY_LIMIT_BYTES,
      response: WebhookReceipt,
      errors: [
        "webhook_signature_invalid",
        "bad_request",
        "malformed_json",
        "provider_not_configured",
      ],
    },
    ({ headers, rawBody, db }) =>
      thenDeliver(
        db.service,
        receiveWebhook(orderProviderWebhookSource("razorpay"), headers, rawBody, db.service),
      ),
  ),
});
