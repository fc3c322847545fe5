import { endpoint } from "../../lib/http/endpoint.js";
import { route } from "../../lib/http/route.js";
import { createOrder, Order, OrderRequest } from "../../lib/payments/create-order.js";
import { GUEST_PAYMENT_NOTE, payerOf, STARTS_A_PAYMENT } from "../../lib/payments/new-payment.js";

export default route({
  POST: endpoint(
    {
      summary: "Create a checkout order (Razorpay, or the local sandbox)",
      description: `The amount comes from the server: the hold's when \`bookingId\` is given (it must be the payer's live hold), else the catalogue's price for the session type and format (\`format\` defaults to the session type's: video when it has a video price). Open the checkout with \`keyId\` and \`orderId\`, then send its response to POST /api/payments/verify. ${GUEST_PAYMENT_NOTE} \`customerName\`, \`customerEmail\` and \`customerPhone\` (sent by the MindfulQALB SPA) are accepted and not stored. \`couponCode\` (the SPA also sends it as \`coupon_code\`, the same value) takes the coupon's discount off the catalogue price, computed here (\`discountPaise\`, in the order's minor units); a code that gives none is 400 with \`error\` saying so, as every unknown or expired one. Locally, without Razorpay keys, the sandbox answers and \`checkoutUrl\` is its pay page.`,
      ...STARTS_A_PAYMENT,
      body: OrderRequest,
      response: Order,
      errors: ["bad_request", "not_found", "conflict", "provider_not_configured", "provider_error"],
      roundTrips: { database: 2, redis: 3 },
    },
    ({ caller, headers, body, db }) => createOrder(db.service, payerOf(caller, headers), body),
  ),
});
