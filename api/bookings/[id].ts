import { bookingAccess, requireAccess } from "../../lib/bookings/booking-access.js";
import { BookingView } from "../../lib/bookings/booking-view.js";
import {
  BookingChange,
  BookingParams,
  changeBooking,
  readBooking,
  withdrawHold,
} from "../../lib/bookings/manage-booking.js";
import { CHANGE_WINDOW_HOURS } from "../../lib/bookings/policy.js";
import { endpoint } from "../../lib/http/endpoint.js";
import { route } from "../../lib/http/route.js";
import { thenDeliver } from "../../lib/notify/outbox/deliver.js";

const who =
  "Its customer (signed in), a guest sending the manage token as X-Booking-Token, or staff of its practitioner; anyone else gets 404.";

export default route({
  GET: endpoint(
    {
      summary: "One booking",
      description: `${who} Staff reads of the customer's details are audit-logged.`,
      tags: ["bookings"],
      auth: "optional",
      privileged: {
        ledgerStep:
          "a guest's booking is reached by its manage token, which only the server may present",
      },
      params: BookingParams,
      response: BookingView,
      limit: "read",
      errors: ["not_found"],
    },
    ({ params, caller, db, headers }) =>
      readBooking(requireAccess(bookingAccess(headers, caller, db)), params.id),
  ),
  PUT: endpoint(
    {
      summary: "Reschedule a booking or change its notes",
      description: `${who} Send \`date\` and \`time\` (a free slot from GET /api/availability) to move it, \`notes\` to replace the notes (null clears them), \`smsReminders\` to have texts about it sent to its phone number too (an E.164 number in a country we text, else 400; at any time), or several. Customers may do so up to ${CHANGE_WINDOW_HOURS} hours before the session; staff at any time.`,
      tags: ["bookings"],
      auth: "optional",
      privileged: {
        ledgerStep:
          "a guest's booking is reached by its manage token, which only the server may present",
      },
      params: BookingParams,
      body: BookingChange,
      response: BookingView,
      limit: "write",
      errors: [
        "not_found",
        "slot_unavailable",
        "cancellation_window_closed",
        "conflict",
        "bad_request",
      ],
    },
    ({ params, body, caller, db, headers }) =>
      thenDeliver(
        db.service,
        changeBooking(
          requireAccess(bookingAccess(headers, caller, db)),
          params.id,
          body,
          new Date(),
        ),
      ),
  ),
  DELETE: endpoint(
    {
      summary: "Withdraw an unpaid hold",
      description: `${who} Frees the slot at once. A confirmed booking is cancelled with POST /api/bookings/{id}/cancel instead.`,
      tags: ["bookings"],
      auth: "optional",
      privileged: {
        ledgerStep:
          "a guest's booking is reached by its manage token, which only the server may present",
      },
      params: BookingParams,
      response: BookingView,
      limit: "write",
      errors: ["not_found", "conflict"],
    },
    ({ params, caller, db, headers }) =>
      withdrawHold(requireAccess(bookingAccess(headers, caller, db)), params.id),
  ),
});
