import {
  ChannelConnection,
  ConnectBody,
  connectChannel,
  IntegrationParams,
} from "../../../../../lib/channels/connections.js";
import { endpoint } from "../../../../../lib/http/endpoint.js";
import { route } from "../../../../../lib/http/route.js";

export default route({
  POST: endpoint(
    {
      summary: "Connect a channel (Telegram or Viber bot)",
      description:
        "Owners (403 for admins and agents). Telegram and Viber: send the bot's token (`botToken`); it is checked with the platform (Telegram getMe, Viber get_account_info), stored sealed, never returned, and the webhook is registered at APP_URL/api/webhooks/<platform>/<connection id> (Telegram with a secret_token; Viber signs with the token). Connecting again replaces the token. Facebook, Instagram and TikTok need OAuth, which is not built yet: 503 `provider_not_configured`. A token the platform refuses is 400; the platform down is 502.",
      tags: ["shop channels"],
      auth: "user",
      params: IntegrationParams,
      body: ConnectBody,
      response: ChannelConnection,
      limit: "write",
      privileged: {
        ledgerStep:
          "the bot token is sealed and stored where no API role can read it, and the connection is written after the platform accepted the token",
      },
      errors: [
        "not_found",
        "forbidden",
        "bad_request",
        "validation_failed",
        "provider_error",
        "provider_not_configured",
      ],
    },
    ({ db, caller, appUrl, params, body }) =>
      connectChannel(db.user, db.service, caller, appUrl, params.shopId, params.platform, body),
  ),
});
