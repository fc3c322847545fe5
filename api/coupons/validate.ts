import { endpoint } from "../../lib/http/endpoint.js";
import { route } from "../../lib/http/route.js";
import { CouponAnswer, CouponCheck, checkCoupon } from "../../lib/payments/coupons.js";

export default route({
  POST: endpoint(
    {
      summary: "Preview what a coupon code takes off a price",
      description:
        "Public (the MindfulQALB SPA's checkout calls it with no account). `amountPaise` is the price the screen shows in INR paise; `discountPaise` is the code's discount on it, a preview only: POST /api/payments/create-order computes the discount again from `couponCode` on the catalogue price. Every code that gives no discount — unknown, inactive, not yet or no longer valid, used up, or for another currency — answers the same 200 `{valid: false, message}`, and the endpoint is limited per IP (10 in 10 minutes), so codes cannot be found by guessing.",
      tags: ["payments"],
      auth: "public",
      privileged: {
        ledgerStep: "coupons are readable only by the server, never through the Data API",
      },
      body: CouponCheck,
      response: CouponAnswer,
      limit: "coupon",
      roundTrips: { database: 1, redis: 1 },
    },
    ({ body, db }) => checkCoupon(db.service, body),
  ),
});
