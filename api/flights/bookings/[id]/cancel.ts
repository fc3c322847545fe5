import { endpoint } from "../../../../lib/http/endpoint.js";
import { route } from "../../../../lib/http/route.js";
import { FlightBookingView } from "../../../../lib/travel/booking-row.js";
import { cancelFlightBooking, FlightBookingParams } from "../../../../lib/travel/bookings.js";

export default route({
  POST: endpoint(
    {
      summary: "Cancel my flight booking",
      description:
        "The owner cancels before departure: an unpaid booking always; a paid one when its fare is refundable (`cancellable`), refunded through the ledger (`paymentStatus` refunded, or refund_due while the payment provider pays it out), with a cancellation email. A booking ticketed at Duffel is cancelled at Duffel first: Duffel quotes what it refunds, and the quote is confirmed only when the refund is money in the booking's currency; the traveller then gets back what Duffel refunds, never more than they paid (`refundMinor`). 409 `conflict` when the fare does not allow it, while another cancellation of it is under way, or when Duffel would refund in another currency, as airline credits or nothing (`reason` refund_currency, refund_not_money or no_refund, with `refundMinor`, `refundCurrency`, `refundTo`; nothing is cancelled); 502 `provider_error` when Duffel fails (the booking is unchanged; try again). 404 for anyone else's. Cancelling again answers the cancelled booking and refunds nothing more.",
      tags: ["flights"],
      auth: "user",
      privileged: { ledgerStep: "a paid cancellation is refunded through the payments ledger" },
      params: FlightBookingParams,
      response: FlightBookingView,
      limit: "payment",
      idempotency: "optional",
      errors: ["not_found", "conflict", "provider_error"],
      // An unpaid booking; a paid one adds the ledger's refund, a ticketed one Duffel's quote
      // and confirmation.
      roundTrips: { database: 1, redis: 1 },
    },
    ({ db, caller, params }) =>
      cancelFlightBooking(db.service, caller.userId, params.id, new Date()),
  ),
});
