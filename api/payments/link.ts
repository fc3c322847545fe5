import { endpoint } from "../../lib/http/endpoint.js";
import { route } from "../../lib/http/route.js";
import { LinkRequest, LinkResult, linkPayment } from "../../lib/payments/link.js";

export default route({
  POST: endpoint(
    {
      summary: "Pay for a hold with a payment made before it (the MindfulQALB SPA's order)",
      description:
        "The MindfulQALB SPA pays first (create-order, the checkout, POST /api/payments/verify), books (POST /api/bookings: a hold), then links the two with the order id. The captured payment of `razorpay_order_id` that no booking uses pays for the caller's live hold `booking_id` of the same session type and format, which is confirmed at once; the booking takes the payment's amount and currency (the server's price, less any coupon). A payment made without an account (the SPA's create-order sends no token) links to whoever presents its order id first, once. Linking the same pair again answers the booking. 409 when the hold has lapsed or was cancelled; 422 when the payment is not captured, already used, refunded, or for another session. (Guests and other clients can book with `paymentId` on POST /api/bookings instead.)",
      tags: ["payments"],
      auth: "user",
      privileged: { ledgerStep: "the payments ledger is written only by the server" },
      body: LinkRequest,
      response: LinkResult,
      limit: "write",
      errors: ["not_found", "conflict", "payment_not_usable"],
      roundTrips: { database: 1, redis: 1 },
    },
    ({ caller, body, db }) => linkPayment(db.service, caller.userId, body),
  ),
});
