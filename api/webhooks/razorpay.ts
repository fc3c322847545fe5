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
      summary: "Razorpay webhook",
      description:
        "For Razorpay only: the X-Razorpay-Signature header must be the HMAC-SHA256 of the raw body with the webhook secret, and X-Razorpay-Event-Id must name the event; otherwise 400 and nothing is stored. Each event is stored once by its id and processed once: a repeated delivery answers 200 and changes nothing, and so does an event type we do not handle or an order we did not make. Payments are re-fetched from Razorpay before anything changes.",
      ...PROVIDER_WEBHOOK,
      response: WebhookReceipt,
      errors: ORDER_PROVIDER_WEBHOOK_ERRORS,
    },
    ({ headers, rawBody, db }) =>
      receiveWebhook(orderProviderWebhookSource("razorpay"), headers, rawBody, db.service),
  ),
});
