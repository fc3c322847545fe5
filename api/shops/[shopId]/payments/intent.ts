import * as z from "zod";
import { endpoint } from "../../../../lib/http/endpoint.js";
import { route } from "../../../../lib/http/route.js";
import {
  createShopPaymentIntent,
  ShopIntentCreated,
  ShopIntentRequest,
} from "../../../../lib/shops/payments/create-intent.js";

export default route({
  POST: endpoint(
    {
      summary: "Pay for a shop's order",
      description:
        "A payment for one of the shop's pending, unpaid orders; the amount is always the order's total (a body with an amount is 400). Stripe by default: a destination charge to the shop's Stripe Connect account once Stripe reports it can take charges, less the platform's fee (`SHOP_PLATFORM_FEE_BPS`), else a charge on the platform's own account; answers `clientSecret` for stripe.confirmPayment. Razorpay for an INR order when Razorpay is configured (or `provider: \"razorpay\"`): answers `razorpayOrderId` and `keyId` for Checkout. No account is needed: whoever holds the order's id (the customer it was answered to, or the shop's team) may pay it. Then POST /api/shops/{shopId}/payments/confirm. `Idempotency-Key` is optional and honoured when sent.",
      tags: ["shop payments"],
      auth: "optional",
      privileged: { ledgerStep: "the payments ledger is written only by the server" },
      params: z.strictObject({ shopId: z.uuid() }),
      body: ShopIntentRequest,
      response: ShopIntentCreated,
      status: 201,
      limit: "payment",
      idempotency: "optional",
      errors: ["bad_request", "not_found", "conflict", "provider_not_configured", "provider_error"],
    },
    ({ params, body, db }) => createShopPaymentIntent(db.service, params.shopId, body),
  ),
});
