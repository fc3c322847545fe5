import { bookingAccess } from "../../../lib/bookings/booking-access.js";
import { BookingCancellation, cancelBooking } from "../../../lib/bookings/manage-booking.js";
import { ONE_BOOKING } from "../../../lib/bookings/one-booking-spec.js";
import { CHANGE_WINDOW_HOURS } from "../../../lib/bookings/policy.js";
import { endpoint } from "../../../lib/http/endpoint.js";
import { route } from "../../../lib/http/route.js";
import { thenDeliver } from "../../../lib/notify/outbox/then-deliver.js";

export default route({
  POST: endpoint(
    {
      summary: "Cancel a booking",
      description: `By its customer (signed in, or a guest with X-Booking-Token) up to ${CHANGE_WINDOW_HOURS} hours before it starts, or by staff of its practitioner at any time. The slot frees at once; a paid booking records the full amount in \`refundDueMinor\`, which the payments module refunds.`,
      ...ONE_BOOKING,
      body: BookingCancellation,
      limit: "write",
      errors: ["not_found", "cancellation_window_closed", "conflict"],
      roundTrips: { database: 1, redis: 1, afterResponse: { database: 1 } },
    },
    ({ params, body, caller, db, headers }) =>
      thenDeliver(db.service, cancelBooking(bookingAccess(headers, caller, db), params.id, body)),
  ),
});
