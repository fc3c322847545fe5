import { endpoint } from "../../../../lib/http/endpoint.js";
import { route } from "../../../../lib/http/route.js";
import { FlightBookingView } from "../../../../lib/travel/booking-row.js";
import { cancelFlightBooking, FlightBookingParams } from "../../../../lib/travel/bookings.js";

export default route({
  POST: endpoint(
    {
      summary: "Cancel my flight booking",
      description:
        "The owner cancels before departure: an unpaid booking always; a paid one when its fare is refundable (`cancellable`), refunded in full through the ledger (`paymentStatus` refunded, or refund_due while the provider pays it out), with a cancellation email. 409 `conflict` when the fare does not allow it; 404 for anyone else's. Cancelling again answers the cancelled booking.",
      tags: ["flights"],
      auth: "user",
      privileged: { ledgerStep: "a paid cancellation is refunded through the payments ledger" },
      params: FlightBookingParams,
      response: FlightBookingView,
      limit: "payment",
      idempotency: "optional",
      errors: ["not_found", "conflict", "provider_error"],
    },
    ({ db, caller, params }) =>
      cancelFlightBooking(db.service, caller.userId, params.id, new Date()),
  ),
});
