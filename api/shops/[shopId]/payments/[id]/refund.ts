import * as z from "zod";
import { endpoint } from "../../../../../lib/http/endpoint.js";
import { route } from "../../../../../lib/http/route.js";
import { thenDeliver } from "../../../../../lib/notify/outbox/then-deliver.js";
import { RefundView } from "../../../../../lib/payments/staff-refund.js";
import {
  refundShopPayment,
  ShopRefundRequest,
} from "../../../../../lib/shops/payments/refund-payment.js";

export default route({
  POST: endpoint(
    {
      summary: "Refund a shop payment",
      description:
        "The shop's owners and admins (the role table's `payments.refund`) refund a payment of their shop's orders, in full or in part (`amount` in minor units; what is left when omitted), never more than captured and not yet refunded (409 `refund_exceeds_captured`). A connected shop's charge is refunded with its transfer reversed and the platform's fee returned in proportion, so the shop gives back what it received. Agents, other shops' members and strangers get 404, as for an unknown payment. The Idempotency-Key names the refund: a retry is the same refund. Recorded in the staff action log with who asked.",
      tags: ["shop payments"],
      auth: "user",
      privileged: { ledgerStep: "the payments ledger is written only by the server" },
      params: z.strictObject({ shopId: z.uuid(), id: z.uuid() }),
      body: ShopRefundRequest,
      response: RefundView,
      status: 201,
      limit: "payment",
      idempotency: "required",
      errors: ["not_found", "conflict", "refund_exceeds_captured", "provider_error"],
    },
    ({ caller, params, body, db, idempotencyKey }) =>
      thenDeliver(
        db.service,
        refundShopPayment(
          db.service,
          caller,
          { shopId: params.shopId, paymentId: params.id },
          body,
          idempotencyKey,
        ),
      ),
  ),
});
