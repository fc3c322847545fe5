import {
  ConnectAnswer,
  ConnectBody,
  connectChannel,
  IntegrationParams,
} from "../../../../../lib/channels/connections.js";
import { endpoint } from "../../../../../lib/http/endpoint.js";
import { route } from "../../../../../lib/http/route.js";

export default route({
  POST: endpoint(
    {
      summary:
        "Connect a channel (a Telegram or Viber bot; Facebook, Instagram or TikTok through OAuth)",
      description:
        "Owners (403 for admins and agents). Telegram and Viber: send the bot's token (`botToken`); it is checked with the platform (Telegram getMe, Viber get_account_info), stored sealed, never returned, and the webhook is registered at APP_URL/api/webhooks/<platform>/<connection id> (Telegram with a secret_token; Viber signs with the token). Connecting again replaces the token; the answer is the connection. A token the platform refuses is 400; the platform down is 502.\n\nFacebook, Instagram and TikTok (no body): the answer is `authorizationUrl`, to open in a popup — Facebook Login's dialog or TikTok's Login Kit v2 page, with a signed, single-use state bound to the caller, the shop and the platform (10 minutes) and a PKCE S256 challenge whose verifier stays on the server. The provider sends the popup back to `/oauth/<platform>/callback`, which finishes the connect and posts `{platform, status, account}` to the opener (see GET /api/oauth/{platform}/callback). 503 `provider_not_configured` when the platform's app is not configured.",
      tags: ["shop channels"],
      auth: "user",
      params: IntegrationParams,
      body: ConnectBody,
      response: ConnectAnswer,
      limit: "write",
      privileged: {
        ledgerStep:
          "the bot token (or the OAuth state's PKCE verifier) is sealed and stored where no API role can read it, and the connection is written after the platform accepted the token",
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
