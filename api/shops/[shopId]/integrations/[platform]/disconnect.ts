import {
  ChannelConnection,
  disconnectChannel,
  IntegrationParams,
} from "../../../../../lib/channels/connections.js";
import { endpoint } from "../../../../../lib/http/endpoint.js";
import { route } from "../../../../../lib/http/route.js";

export default route({
  POST: endpoint(
    {
      summary: "Disconnect a channel",
      description:
        "Owners (403 for others). Telegram deleteWebhook, Viber set_webhook with an empty url, then the sealed token is deleted and the connection shows `disconnected`; its conversations stay. 404 when the shop has no such connection; 502 when the platform did not answer (nothing changed, try again). Facebook, Instagram and TikTok: 503 `provider_not_configured`.",
      tags: ["shop channels"],
      auth: "user",
      params: IntegrationParams,
      response: ChannelConnection,
      limit: "write",
      privileged: {
        ledgerStep: "the sealed bot token is opened to unregister the webhook, then deleted",
      },
      errors: [
        "not_found",
        "forbidden",
        "bad_request",
        "provider_error",
        "provider_not_configured",
      ],
    },
    ({ db, params }) => disconnectChannel(db.user, db.service, params.shopId, params.platform),
  ),
});
