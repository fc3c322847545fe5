import { endpoint } from "../../lib/http/endpoint.js";
import { route } from "../../lib/http/route.js";
import { PROVIDER_WEBHOOK } from "../../lib/http/spec-presets.js";
import {
  ORDER_PROVIDER_WEBHOOK_ERRORS,
  orderProviderWebhookSource,
} from "../../lib/payments/webhooks/razorpay-events.js";
import { receiveWebhook, WebhookReceipt } from "../../lib/payments/webhooks/receive.js";

export default route({
  POST: endpoint(
    {
      summary: "Sandbox payment webhook (local machines only)",
      description:
        "The local sandbox provider's Razorpay-shaped events, delivered by the dev server's /__dev/pay page and signed with the sandbox's public secret in X-Razorpay-Signature, with X-Razorpay-Event-Id. Handled exactly as the Razorpay webhook. Answers 503 on every Vercel deployment.",
      ...PROVIDER_WEBHOOK,
      response: WebhookReceipt,
      errors: ORDER_PROVIDER_WEBHOOK_ERRORS,
    },
    ({ headers, rawBody, db }) =>
      receiveWebhook(orderProviderWebhookSource("sandbox"), headers, rawBody, db.service),
  ),
});
