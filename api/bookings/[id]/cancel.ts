import { bookingAccess, requireAccess } from "../../../lib/bookings/booking-access.js";
import { BookingView } from "../../../lib/bookings/booking-view.js";
import {
  BookingCancellation,
  BookingParams,
  cancelBooking,
} from "../../../lib/bookings/manage-booking.js";
import { CHANGE_WINDOW_HOURS } from "../../../lib/bookings/policy.js";
import { endpoint } from "../../../lib/http/endpoint.js";
import { route } from "../../../lib/http/route.js";
import { thenDeliver } from "../../../lib/notify/outbox/deliver.js";

export default route({
  POST: endpoint(
    {
      summary: "Cancel a booking",
      description: `By its customer (signed in, or a guest with X-Booking-Token) up to ${CHANGE_WINDOW_HOURS} hours before it starts, or by staff of its practitioner at any time. The slot frees at once; a paid booking records the full amount in \`refundDueMinor\`, which the payments module refunds.`,
      tags: ["bookings"],
      auth: "optional",
      privileged: {
        ledgerStep:
          "a guest's booking is reached by its manage token, which only the server may present",
      },
      params: BookingParams,
      body: BookingCancellation,
      response: BookingView,
      limit: "write",
      errors: ["not_found", "cancellation_window_closed", "conflict"],
    },
    ({ params, body, caller, db, headers }) =>
      thenDeliver(
        db.service,
        cancelBooking(requireAccess(bookingAccess(headers, caller, db)), params.id, body),
      ),
  ),
});
