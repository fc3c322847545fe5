import {
  ChannelConnection,
  IntegrationParams,
  selectChannelAccount,
} from "../../../../../lib/channels/connections.js";
import { SelectBody } from "../../../../../lib/channels/oauth/flow.js";
import { endpoint } from "../../../../../lib/http/endpoint.js";
import { route } from "../../../../../lib/http/route.js";

export default route({
  POST: endpoint(
    {
      summary: "Choose the Facebook Page or Instagram account to connect",
      description:
        "Owners (403 for others): the owner who started the connect. When the OAuth callback posted `status: \"select\"` with several Pages (facebook) or Instagram professional accounts (instagram), send the chosen `accountId` within 10 minutes: the app is subscribed to the Page's messaging webhooks and the connection saved with the Page's token (sealed, never returned). The choice is used once. 404 when there is no pending choice (expired, already made, another owner's) or the id was not offered; 409 when another shop has connected that account; 502 when Meta refused or did not answer.",
      tags: ["shop channels"],
      auth: "user",
      params: IntegrationParams,
      body: SelectBody,
      response: ChannelConnection,
      limit: "write",
      privileged: {
        ledgerStep:
          "the candidate Page tokens kept sealed since the callback are opened, the chosen one stored sealed and the rest deleted",
      },
      errors: [
        "not_found",
        "forbidden",
        "conflict",
        "validation_failed",
        "provider_error",
        "provider_not_configured",
      ],
    },
    ({ db, caller, params, body }) =>
      selectChannelAccount(
        db.user,
        db.service,
        caller,
        params.shopId,
        params.platform,
        body.accountId,
      ),
  ),
});
