import { endpoint } from "../../lib/http/endpoint.js";
import { route } from "../../lib/http/route.js";
import { thenDeliver } from "../../lib/notify/outbox/then-deliver.js";
import { RefundBody, refundOf, spaRefund } from "../../lib/payments/spa-refund.js";
import { RefundView, staffRefund } from "../../lib/payments/staff-refund.js";

export default route({
  POST: endpoint(
    {
      summary: "Refund a payment (staff)",
      description:
        "Full or partial (`amount` in minor units; what is left when omitted), never more than captured and not yet refunded. Staff refund the payments for their practitioner's bookings (admins any payment); any other payment is 404, as an unknown one. Each refund is recorded in the staff action log with who asked for it. The Idempotency-Key names the refund: a retry is the same refund (it is required with `paymentId`). The MindfulQALB SPA's admin page sends `{booking_id}` or `{razorpay_payment_id}` instead, with no key and no reason: what is left of that booking's (or provider payment's) paid payment is refunded, the refund named by the payment, so a repeat is the same refund; with nothing paid left it is 404 whose `error` says \"No paid payment found for this booking/payment\".",
      tags: ["payments"],
      auth: ["staff"],
      privileged: { ledgerStep: "the payments ledger is written only by the server" },
      body: RefundBody,
      response: RefundView,
      status: 201,
      limit: "payment",
      idempotency: "optional",
      errors: [
        "idempotency_key_missing",
        "not_found",
        "conflict",
        "refund_exceeds_captured",
        "provider_error",
      ],
    },
    ({ caller, body, db, idempotencyKey }) => {
      const refund = refundOf(body, idempotencyKey);
      return thenDeliver(
        db.service,
        refund.kind === "spa"
          ? spaRefund(db.user, db.service, caller, refund.request)
          : staffRefund(db.user, db.service, caller, refund.request, refund.idempotencyKey),
      );
    },
  ),
});
