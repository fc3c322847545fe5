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
        "Owners (403 for others). Telegram deleteWebhook, Viber set_webhook with an empty url; Facebook and Instagram: the app unsubscribed from the Page's webhooks (DELETE /{page-id}/subscribed_apps, unless the shop's other Meta connection uses the same Page); TikTok: the token revoked (/v2/oauth/revoke/). Then the sealed tokens are deleted and the connection shows `disconnected`; its conversations stay. A token the platform no longer accepts has nothing left to undo. 404 when the shop has no such connection; 502 when the platform did not answer (nothing changed, try again).",
      tags: ["shop channels"],
      auth: "user",
      params: IntegrationParams,
      response: ChannelConnection,
      limit: "write",
      privileged: {
        ledgerStep:
          "the sealed token is opened to unregister the webhook or revoke it at the platform, then deleted",
      },
      errors: ["not_found", "forbidden", "bad_request", "provider_error"],
    },
    ({ db, params }) => disconnectChannel(db.user, db.service, params.shopId, params.platform),
  ),
});
