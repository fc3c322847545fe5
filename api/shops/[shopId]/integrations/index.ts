import { ChannelConnectionList, listConnections } from "../../../../lib/channels/connections.js";
import { endpoint } from "../../../../lib/http/endpoint.js";
import { route } from "../../../../lib/http/route.js";
import { ShopParams } from "../../../../lib/shops/access.js";

export default route({
  GET: endpoint(
    {
      summary: "The shop's channel connections",
      description:
        "Every member. Each connected platform with its status (`connected`, `needs_reconnect` when the platform stopped accepting the token, `disconnected`) and the bot's public name; never a token.",
      tags: ["shop channels"],
      auth: "user",
      params: ShopParams,
      response: ChannelConnectionList,
      limit: "read",
      errors: ["not_found"],
    },
    ({ db, params }) => listConnections(db.user, params.shopId),
  ),
});
