import { ChannelWebhookParams, receiveViberCallback } from "../../../lib/channels/webhooks.js";
import { endpoint } from "../../../lib/http/endpoint.js";
import { route } from "../../../lib/http/route.js";
import { PROVIDER_WEBHOOK } from "../../../lib/http/spec-presets.js";
import { WebhookReceipt } from "../../../lib/payments/webhooks/receive.js";

export default route({
  POST: endpoint(
    {
      summary: "Viber bot callbacks of one shop's connection",
      description:
        "For Viber only: X-Viber-Content-Signature must be the HMAC-SHA256 (hex) of the raw body keyed with this connection's bot token (compared timing-safe); otherwise, or for an unknown or disconnected connection, 400 and nothing is stored. Each callback is stored once (by message_token); a message continues or starts the customer's conversation (channel `viber`); Viber's `webhook` check is answered 200.",
      ...PROVIDER_WEBHOOK,
      params: ChannelWebhookParams,
      response: WebhookReceipt,
      errors: [
        "webhook_signature_invalid",
        "malformed_json",
        "bad_request",
        "provider_not_configured",
      ],
    },
    ({ headers, rawBody, params, db }) =>
      receiveViberCallback(db.service, params.connectionId, headers, rawBody),
  ),
});
