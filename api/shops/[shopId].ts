import { endpoint } from "../../lib/http/endpoint.js";
import { route } from "../../lib/http/route.js";
import { ShopParams } from "../../lib/shops/access.js";
import { getShop, ShopUpdate, ShopView, updateShop } from "../../lib/shops/shops.js";

export default route({
  GET: endpoint(
    {
      summary: "A shop and your role in it",
      description: "For the shop's members (every role); 404 for anyone else.",
      tags: ["shops"],
      auth: "user",
      params: ShopParams,
      response: ShopView,
      limit: "read",
      errors: ["not_found"],
    },
    ({ db, params }) => getShop(db.user, params.shopId),
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
