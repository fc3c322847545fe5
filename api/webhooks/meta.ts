import {
  answerMetaSubscription,
  MetaSubscriptionQuery,
  receiveMetaDelivery,
} from "../../lib/channels/meta-webhook.js";
import { endpoint } from "../../lib/http/endpoint.js";
import { route } from "../../lib/http/route.js";
import { PROVIDER_WEBHOOK } from "../../lib/http/spec-presets.js";
import { WebhookReceipt } from "../../lib/payments/webhooks/receive.js";

export default route({
  GET: endpoint(
    {
      summary: "Meta's webhook subscription handshake",
      description:
        "For Meta only, when the callback URL is saved in the Meta app's dashboard: with `hub.mode=subscribe` and `hub.verify_token` equal to this server's META_WEBHOOK_VERIFY_TOKEN (compared timing-safe), answers `hub.challenge` as text/plain; otherwise 403. 503 when the webhook is not configured.",
      tags: ["webhooks"],
      auth: "public",
      query: MetaSubscriptionQuery,
      alsoAnswers: [{ status: 200, mediaType: "text/plain", description: "hub.challenge, echoed" }],
      limit: "read",
      errors: ["forbidden", "provider_not_configured"],
    },
    async ({ query }) => answerMetaSubscription(query),
  ),
  POST: endpoint(
    {
      summary: "Messages to the shops' Facebook Pages and Instagram accounts",
      description:
        "For Meta only: X-Hub-Signature-256 must be `sha256=` and the HMAC-SHA256 (hex) of the raw body under the Meta app's secret (META_APP_SECRET), compared timing-safe; otherwise 400 and nothing is stored. Messenger (`object: page`, entry id the Page id) and Instagram (`object: instagram`, entry id the professional account id): each customer message to a connected account is stored once (by its mid) and continues or starts the customer's conversation (channel `facebook` or `instagram`), raising the realtime and push events; when a member turned the conversation's AI on, the AI answers through the channel. Echoes, deliveries, reads and accounts no shop connected are acknowledged and dropped. A verified delivery answers 200.",
      ...PROVIDER_WEBHOOK,
      response: WebhookReceipt,
      errors: [
        "webhook_signature_invalid",
        "malformed_json",
        "bad_request",
        "provider_not_configured",
      ],
    },
    ({ headers, rawBody, db }) => receiveMetaDelivery(db.service, headers, rawBody),
  ),
});
