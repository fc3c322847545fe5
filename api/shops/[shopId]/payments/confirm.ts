import * as z from "zod";
import { endpoint } from "../../../../lib/http/endpoint.js";
import { route } from "../../../../lib/http/route.js";
import { thenDeliver } from "../../../../lib/notify/outbox/then-deliver.js";
import {
  confirmShopPayment,
  ShopConfirmRequest,
  ShopPaymentConfirmation,
} from "../../../../lib/shops/payments/confirm-payment.js";

export default route({
  POST: endpoint(
    {
      summary: "Confirm a shop payment",
      description:
        "After paying in the browser, send the PaymentIntent id (Stripe) or Checkout's `razorpay_order_id`, `razorpay_payment_id` and `razorpay_signature` (Razorpay). The server asks the provider and records what it reports — never what the client says; once captured, the order moves to `processing` in the same database transaction (whichever of confirm, the provider's webhook and the reconciliation sweep comes first; the others find it done). A capture the order can no longer take (already paid, or cancelled) is refunded in full. A payment that is not one of this shop's is 404.",
      tags: ["shop payments"],
      auth: "optional",
      privileged: { ledgerStep: "the payments ledger is written only by the server" },
      params: z.strictObject({ shopId: z.uuid() }),
      body: ShopConfirmRequest,
      response: ShopPaymentConfirmation,
      limit: "payment",
      errors: [
        "not_found",
        "payment_verification_failed",
        "provider_not_configured",
        "provider_error",
      ],
    },
    ({ params, body, db }) =>
      thenDeliver(db.service, confirmShopPayment(db.service, params.shopId, body)),
  ),
});
