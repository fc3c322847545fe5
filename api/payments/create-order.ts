import { endpoint } from "../../lib/http/endpoint.js";
import { route } from "../../lib/http/route.js";
import { createOrder, Order, OrderRequest } from "../../lib/payments/create-order.js";
import { STARTS_A_PAYMENT } from "../../lib/payments/new-payment.js";

export default route({
  POST: endpoint(
    {
      summary: "Create a checkout order (Razorpay, or the local sandbox)",
      description:
        "The amount comes from the server: the hold's when `bookingId` is given (it must be the caller's live hold), else the catalogue's price for the session type and format. Open the checkout with `keyId` and `orderId`, then send its response to POST /api/payments/verify. Locally, without Razorpay keys, the sandbox answers and `checkoutUrl` is its pay page.",
      ...STARTS_A_PAYMENT,
      body: OrderRequest,
      response: Order,
      errors: ["not_found", "conflict", "provider_not_configured", "provider_error"],
      roundTrips: { database: 2, redis: 3 },
    },
    ({ caller, body, db }) => createOrder(db.service, caller, body),
  ),
});
