import * as z from "zod";
import { endpoint } from "../../../../lib/http/endpoint.js";
import { route } from "../../../../lib/http/route.js";
import { readShopPayment } from "../../../../lib/shops/payments/read-payment.js";
import { ShopPayment } from "../../../../lib/shops/payments/shop-payment-row.js";

export default route({
  GET: endpoint(
    {
      summary: "One payment of a shop's order",
      description:
        "For the shop's members (every role that reads orders); anyone else, and a payment of another shop, gets 404.",
      tags: ["shop payments"],
      auth: "user",
      params: z.strictObject({ shopId: z.uuid(), id: z.uuid() }),
      response: ShopPayment,
      limit: "read",
      errors: ["not_found"],
    },
    ({ db, params }) => readShopPayment(db.user, params.shopId, params.id),
  ),
});
