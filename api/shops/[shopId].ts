import { getShopWithChannels, ShopWithChannels } from "../../lib/channels/connections.js";
import { endpoint } from "../../lib/http/endpoint.js";
import { route } from "../../lib/http/route.js";
import { ShopParams } from "../../lib/shops/access.js";
import { ShopUpdate, ShopView, updateShop } from "../../lib/shops/shops.js";

export default route({
  GET: endpoint(
    {
      summary: "A shop and your role in it",
      description:
        "For the shop's members (every role); 404 for anyone else. `channels`: each connected platform (Telegram, Viber) with its status (`connected`, `needs_reconnect`, `disconnected`), never a token.",
      tags: ["shops"],
      auth: "user",
      params: ShopParams,
      response: ShopWithChannels,
      limit: "read",
      errors: ["not_found"],
    },
    ({ db, params }) => getShopWithChannels(db.user, params.shopId),
  ),
  PUT: endpoint(
    {
      summary: "Change a shop's settings",
      description:
        "Owners and admins (403 for agents): name, description and how many days form submissions are kept (`submissionRetentionDays`). Fields left out keep their value.",
      tags: ["shops"],
      auth: "user",
      params: ShopParams,
      body: ShopUpdate,
      response: ShopView,
      limit: "write",
      errors: ["not_found", "forbidden", "bad_request"],
    },
    ({ db, params, body }) => updateShop(db.user, params.shopId, body),
  ),
});
