import { endpoint } from "../../../../lib/http/endpoint.js";
import { route } from "../../../../lib/http/route.js";
import { thenDeliver } from "../../../../lib/notify/outbox/then-deliver.js";
import { RefundView } from "../../../../lib/payments/staff-refund.js";
import {
  refundStaffBooking,
  StaffBookingParams,
  StaffRefundRequest,
} from "../../../../lib/staff/staff-bookings.js";

export default route({
  POST: endpoint(
    {
      summary: "Refund a booking's payment (staff)",
      description:
        "Refunds the payment that paid for the booking, as POST /api/payments/refund does (full or partial: `amount` in minor units, what is left when omitted; never more than captured and not yet refunded), recorded in the staff action log with who asked. For staff of the booking's practitioner and admins; any other booking is 404. A booking without a captured payment is 409. The Idempotency-Key names the refund: a retry is the same refund.",
      tags: ["staff"],
      auth: ["staff"],
      privileged: { ledgerStep: "the payments ledger is written only by the server" },
      params: StaffBookingParams,
      body: StaffRefundRequest,
      response: RefundView,
      status: 201,
      limit: "payment",
      idempotency: "required",
      errors: ["not_found", "conflict", "refund_exceeds_captured", "provider_error"],
    },
    ({ caller, params, body, db, idempotencyKey }) =>
      thenDeliver(
        db.service,
        refundStaffBooking(db.user, db.service, caller, params.id, body, idempotencyKey),
      ),
  ),
});
