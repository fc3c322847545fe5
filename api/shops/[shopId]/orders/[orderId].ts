import { endpoint } from "../../../../lib/http/endpoint.js";
import { route } from "../../../../lib/http/route.js";
import { getOrder, OrderParams, OrderView } from "../../../../lib/shops/orders.js";

export default route({
  GET: endpoint(
    {
      summary: "One order with its items, customer and history",
      description:
        "Every member. Items keep the name and unit price of when the order was placed; `history` lists every status and payment-status change with the member who made it (null: the server, e.g. a payment).",
      tags: ["shops"],
      auth: "user",
      params: OrderParams,
      response: OrderView,
      limit: "read",
      errors: ["not_found"],
    },
    ({ db, params }) => getOrder(db.user, params.shopId, params.orderId),
  ),
});
