import { WEBHOOK_BODY_LIMIT_BYTES } from "../../lib/http/body.js";
import { endpoint } from "../../lib/http/endpoint.js";
import { route } from "../../lib/http/route.js";
import { thenDeliver } from "../../lib/notify/outbox/deliver.js";
import { orderProviderWebhookSource } from "../../lib/payments/webhooks/razorpay-events.js";
import { receiveWebhook, WebhookReceipt } from "../../lib/payments/webhooks/receive.js";

export default route({
  POST: endpoint(
    {
      summary: "Sandbox payment webhook (local machines only)",
      description:
        "The local sandbox provider's Razorpay-shaped events, delivered by the dev server's /__dev/pay page and signed with the sandbox's public secret in X-Razorpay-Signature, with X-Razorpay-Event-Id. Handled exactly as the Razorpay webhook. Answers 503 on every Vercel deployment.",
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
        receiveWebhook(orderProviderWebhookSource("sandbox"), headers, rawBody, db.service),
      ),
  ),
});
