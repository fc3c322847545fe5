import { ChannelWebhookParams, receiveTelegramUpdate } from "../../../lib/channels/webhooks.js";
import { endpoint } from "../../../lib/http/endpoint.js";
import { route } from "../../../lib/http/route.js";
import { PROVIDER_WEBHOOK } from "../../../lib/http/spec-presets.js";
import { WebhookReceipt } from "../../../lib/payments/webhooks/receive.js";

export default route({
  POST: endpoint(
    {
      summary: "Telegram bot updates of one shop's connection",
      description:
        "For Telegram only: X-Telegram-Bot-Api-Secret-Token must be the secret_token registered with setWebhook for this connection (compared timing-safe); otherwise, or for an unknown or disconnected connection, 400 and nothing is stored. Each update is stored once (by update_id); a message continues or starts the customer's conversation (channel `telegram`).",
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
      receiveTelegramUpdate(db.service, params.connectionId, headers, rawBody),
  ),
});
