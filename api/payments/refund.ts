import { endpoint } from "../../lib/http/endpoint.js";
import { route } from "../../lib/http/route.js";
import { thenDeliver } from "../../lib/notify/outbox/deliver.js";
import { RefundRequest, RefundView, staffRefund } from "../../lib/payments/staff-refund.js";

export default route({
  POST: endpoint(
    {
      summary: "Refund a payment (staff)",
      description:
        "Full or partial (`amount` in minor units; what is left when omitted), never more than captured and not yet refunded. Staff refund the payments for their practitioner's bookings (admins any payment); any other payment is 404, as an unknown one. Each refund is recorded in the staff action log with who asked for it. The Idempotency-Key names the refund: a retry is the same refund.",
      tags: ["payments"],
      auth: ["staff"],
      privileged: { ledgerStep: "the payments ledger is written only by the server" },
      body: RefundRequest,
      response: RefundView,
      status: 201,
      limit: "payment",
      idempotency: "required",
      errors: ["not_found", "conflict", "refund_exceeds_captured", "provider_error"],
    },
    ({ caller, body, db, idempotencyKey }) =>
      thenDeliver(db.service, staffRefund(db.user, db.service, caller, body, idempotencyKey)),
  ),
});
