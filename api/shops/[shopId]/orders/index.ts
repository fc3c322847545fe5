import { endpoint } from "../../../../lib/http/endpoint.js";
import { route } from "../../../../lib/http/route.js";
import { ShopParams } from "../../../../lib/shops/access.js";
import { listOrders, OrderList, OrderListQuery } from "../../../../lib/shops/orders.js";

export default route({
  GET: endpoint(
    {
      summary: "The shop's orders, newest first",
      description:
        "Every member. Filter by `status`; a page at a time (`limit`, default 25, at most 100), `nextCursor` as `cursor` for the next. Customers place orders through the shop's public order forms (POST /api/shops/{shopId}/forms/{formId}/submissions).",
      tags: ["shops"],
      auth: "user",
      params: ShopParams,
      query: OrderListQuery,
      response: OrderList,
      limit: "read",
      errors: ["not_found"],
    },
    ({ db, params, query }) => listOrders(db.user, params.shopId, query),
  ),
});
