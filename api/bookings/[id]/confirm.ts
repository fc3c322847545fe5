import { BookingView } from "../../../lib/bookings/booking-view.js";
import { BookingParams, confirmBooking } from "../../../lib/bookings/manage-booking.js";
import { endpoint } from "../../../lib/http/endpoint.js";
import { route } from "../../../lib/http/route.js";
import { thenKickDelivery } from "../../../lib/notify/kick-delivery.js";

export default route({
  POST: endpoint(
    {
      summary: "Confirm a hold (staff)",
      description:
        "Staff of the booking's practitioner, or an admin, confirm a hold without an online payment (paid at the practice, a courtesy session). Other bookings are 404.",
      tags: ["bookings"],
      auth: ["staff"],
      params: BookingParams,
      response: BookingView,
      limit: "write",
      errors: ["not_found", "conflict"],
    },
    ({ params, db, request }) => thenKickDelivery(request, confirmBooking(db.user, params.id)),
  ),
});
