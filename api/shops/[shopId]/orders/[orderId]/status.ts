import { endpoint } from "../../../../../lib/http/endpoint.js";
import { route } from "../../../../../lib/http/route.js";
import { thenDeliver } from "../../../../../lib/notify/outbox/then-deliver.js";
import {
  changeOrderStatus,
  OrderParams,
  OrderStatusChange,
  OrderSummary,
} from "../../../../../lib/shops/orders.js";

export default route({
  PUT: endpoint(
    {
      summary: "Move an order along",
      description:
        "Owners and admins (403 for agents). pending → processing → completed; cancelled from pending or processing, which gives the reserved stock back and, for a paid order, refunds what is left of its payment to the customer (a connected shop's transfer is reversed; if the provider does not answer now, the payments sweep sends the reserved refund later, and `paymentStatus` follows). Any other move is 409; asking for the status it already has changes nothing. The customer is emailed about the change.",
      tags: ["shops"],
      auth: "user",
      privileged: {
        ledgerStep:
          "delivering the customer's status email the change queued, and sending the refund a cancelled paid order is owed",
      },
      params: OrderParams,
      body: OrderStatusChange,
      response: OrderSummary,
      limit: "write",
      errors: ["not_found", "forbidden", "conflict"],
    },
    ({ db, params, body }) =>
      thenDeliver(
        db.service,
        changeOrderStatus(db.user, db.service, params.shopId, params.orderId, body),
      ),
  ),
});
