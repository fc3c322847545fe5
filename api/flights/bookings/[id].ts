import { endpoint } from "../../../lib/http/endpoint.js";
import { route } from "../../../lib/http/route.js";
import { FlightBookingView } from "../../../lib/travel/booking-row.js";
import { FlightBookingParams, getFlightBooking } from "../../../lib/travel/bookings.js";

export default route({
  GET: endpoint(
    {
      summary: "One flight booking",
      description:
        "The owner's booking (admins: any), with its itinerary, travellers' names, status and payment status; 404 for anyone else's, as for an unknown id. An admin's read of someone else's booking is recorded in the personal-data read log (`public.personal_data_reads`) with who read it.",
      tags: ["flights"],
      auth: "user",
      params: FlightBookingParams,
      response: FlightBookingView,
      limit: "read",
      errors: ["not_found"],
      roundTrips: { database: 1, redis: 1 },
    },
    ({ db, params }) => getFlightBooking(db.user, params.id, new Date()),
  ),
});
