import { bookingAccess } from "../../lib/bookings/booking-access.js";
import {
  BookingChange,
  changeBooking,
  readBooking,
  withdrawHold,
} from "../../lib/bookings/manage-booking.js";
import { ONE_BOOKING, WHO_REACHES_A_BOOKING } from "../../lib/bookings/one-booking-spec.js";
import { CHANGE_WINDOW_HOURS } from "../../lib/bookings/policy.js";
import { endpoint } from "../../lib/http/endpoint.js";
import { route } from "../../lib/http/route.js";
import { thenDeliver } from "../../lib/notify/outbox/then-deliver.js";

export default route({
  GET: endpoint(
    {
      summary: "One booking",
      description: `${WHO_REACHES_A_BOOKING} Staff reads of the customer's details are audit-logged.`,
      ...ONE_BOOKING,
      limit: "read",
      errors: ["not_found"],
      roundTrips: { database: 1, redis: 1 },
    },
    ({ params, caller, db, headers }) => readBooking(bookingAccess(headers, caller, db), params.id),
  ),
  PUT: endpoint(
    {
      summary: "Reschedule a booking or change its notes",
      description: `${WHO_REACHES_A_BOOKING} Send \`date\` and \`time\` (a free slot from GET /api/availability) to move it, \`notes\` to replace the notes (null clears them), \`smsReminders\` to have texts about it sent to its phone number too (an E.164 number in a country we text, else 400; at any time), or several. Customers may do so up to ${CHANGE_WINDOW_HOURS} hours before the session; staff at any time.`,
      ...ONE_BOOKING,
      body: BookingChange,
      limit: "write",
      errors: [
        "not_found",
        "slot_unavailable",
        "cancellation_window_closed",
        "conflict",
        "bad_request",
      ],
      roundTrips: { database: 1, redis: 1, afterResponse: { database: 1 } },
    },
    ({ params, body, caller, db, headers }) =>
      thenDeliver(db.service, changeBooking(bookingAccess(headers, caller, db), params.id, body)),
  ),
  DELETE: endpoint(
    {
      summary: "Withdraw an unpaid hold",
      description: `${WHO_REACHES_A_BOOKING} Frees the slot at once. A confirmed booking is cancelled with POST /api/bookings/{id}/cancel instead.`,
      ...ONE_BOOKING,
      limit: "write",
      errors: ["not_found", "conflict"],
    },
    ({ params, caller, db, headers }) =>
      withdrawHold(bookingAccess(headers, caller, db), params.id),
  ),
});
