import { endpoint } from "../../lib/http/endpoint.js";
import { route } from "../../lib/http/route.js";
import { PROVIDER_WEBHOOK } from "../../lib/http/spec-presets.js";
import { receiveWebhook, WebhookReceipt } from "../../lib/payments/webhooks/receive.js";
import { stripeConnectWebhookSource } from "../../lib/shops/payments/connect-webhook.js";

export default route({
  POST: endpoint(
    {
      summary: "Stripe Connect webhook",
      description:
        "For Stripe's Connect endpoint only (events on connected accounts, each naming its `account`): the Stripe-Signature header must verify over the raw body with that endpoint's own signing secret (STRIPE_CONNECT_WEBHOOK_SECRET), within 300 seconds; otherwise 400 and nothing is stored. Each event is stored once by its id and processed once: `account.updated` re-reads the account and records whether the shop can take charges and receive payouts; `account.application.deauthorized` records it disabled; payment intents on a connected account are re-read there and applied to the ledger when they are ours. A repeated delivery answers 200 and changes nothing, and so does an event type we do not handle.",
      ...PROVIDER_WEBHOOK,
      response: WebhookReceipt,
      errors: ["webhook_signature_invalid", "provider_not_configured"],
    },
    ({ headers, rawBody, db }) =>
      receiveWebhook(stripeConnectWebhookSource(), headers, rawBody, db.service),
  ),
});
