import { receiveTikTokEvent } from "../../lib/channels/tiktok-webhook.js";
import { endpoint } from "../../lib/http/endpoint.js";
import { route } from "../../lib/http/route.js";
import { PROVIDER_WEBHOOK } from "../../lib/http/spec-presets.js";
import { WebhookReceipt } from "../../lib/payments/webhooks/receive.js";

export default route({
  POST: endpoint(
    {
      summary: "TikTok's events for the shops' connected TikTok accounts",
      description:
        "For TikTok only: TikTok-Signature `t=<unix seconds>,s=<hex>` must be the HMAC-SHA256 of `<t>.<raw body>` under the app's client secret (TIKTOK_CLIENT_SECRET), compared timing-safe, with t within 5 minutes of now; otherwise 400 and nothing is stored. Each event is stored once. TikTok's Login Kit has no direct-message API and sends no messages: `authorization.removed` marks the account's connection needs_reconnect and tells the shop's owners; video and data-portability events are kept and ignored; events of accounts no shop connected are acknowledged and dropped.",
      ...PROVIDER_WEBHOOK,
      response: WebhookReceipt,
      errors: [
        "webhook_signature_invalid",
        "malformed_json",
        "bad_request",
        "provider_not_configured",
      ],
    },
    ({ headers, rawBody, db }) => receiveTikTokEvent(db.service, headers, rawBody),
  ),
});
