import { BookingView } from "../../../lib/bookings/booking-view.js";
import { BookingParams, confirmBooking } from "../../../lib/bookings/manage-booking.js";
import { endpoint } from "../../../lib/http/endpoint.js";
import { route } from "../../../lib/http/route.js";
import { thenDeliver } from "../../../lib/notify/outbox/then-deliver.js";

export default route({
  POST: endpoint(
    {
      summary: "Confirm a hold (staff)",
      description:
        "Staff of the booking's practitioner, or an admin, confirm a hold without an online payment (paid at the practice, a courtesy session). Other bookings are 404.",
      tags: ["bookings"],
      auth: ["staff"],
      privileged: {
        ledgerStep: "delivers the confirmation queued by the write, after the response",
      },
      params: BookingParams,
      response: BookingView,
      limit: "write",
      errors: ["not_found", "conflict"],
    },
    ({ params, db }) => thenDeliver(db.service, confirmBooking(db.user, params.id)),
  ),
});
