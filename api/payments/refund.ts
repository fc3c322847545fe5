import { endpoint } from "../../lib/http/endpoint.js";
import { route } from "../../lib/http/route.js";
import { thenDeliver } from "../../lib/notify/ledger/deliver.js";
import { RefundRequest, RefundView, staffRefund } from "../../lib/payments/staff-refund.js";

export default route({
  POST: endpoint(
    {
      summary: "Refund a payment (staff)",
      description:
        "Full or partial (`amount` in minor units; what is left when omitted), never more than captured and not yet refunded. The Idempotency-Key names the refund: a retry is the same refund.",
      tags: ["payments"],
      auth: ["staff"],
      privileged: true,
      body: RefundRequest,
      response: RefundView,
      status: 201,
      limit: "payment",
      idempotency: "required",
      errors: ["not_found", "conflict", "refund_exceeds_captured", "provider_error"],
    },
    ({ caller, body, request }) =>
      thenDeliver(staffRefund(caller, body, request.headers.get("idempotency-key") ?? "")),
  ),
});
