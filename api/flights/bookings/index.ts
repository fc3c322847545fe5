import { endpoint } from "../../../lib/http/endpoint.js";
import { route } from "../../../lib/http/route.js";
import { FlightBookingView } from "../../../lib/travel/booking-row.js";
import {
  createFlightBooking,
  FlightBookingList,
  FlightBookingRequest,
  listMyFlightBookings,
} from "../../../lib/travel/bookings.js";

export default route({
  GET: endpoint(
    {
      summary: "My flight bookings, newest first",
      description: "The signed-in traveller's flight bookings (the latest 50).",
      tags: ["flights"],
      auth: "user",
      response: FlightBookingList,
      limit: "read",
      roundTrips: { database: 1, redis: 1 },
    },
    ({ db, caller }) => listMyFlightBookings(db.user, caller.userId, new Date()),
  ),
  POST: endpoint(
    {
      summary: "Book a flight offer (awaiting payment)",
      description:
        "Signed in. `offerToken` from GET /api/flights/search or GET /api/flights/{offerToken}; the offer is re-validated with the provider now and the booking takes the price confirmed at this moment (the client never sends one). When it differs from the price the token was issued with, nothing is booked: 409 `conflict` with `reason: price_changed`, `priceMinor`, `currency` and a new `offerToken` to book with once the traveller accepts. 409 with `reason: offer_unavailable` when it can no longer be bought. `travelers` must match the offer's passengers (adults 12+, children 2–11, infants under 2 on the day of the last flight), names as on the passport; `document` (passport number and expiry, valid beyond the last flight) is required when `documentsRequired` says so. Travellers and contact are stored sealed. Answers the booking with its human `reference`, `status: pending_payment`; pay with POST /api/flights/bookings/{id}/pay.",
      tags: ["flights"],
      auth: "user",
      privileged: {
        ledgerStep: "the booking takes sealed traveller data, which only the server writes",
      },
      body: FlightBookingRequest,
      response: FlightBookingView,
      status: 201,
      limit: "write",
      idempotency: "optional",
      errors: [
        "not_found",
        "conflict",
        "validation_failed",
        "provider_error",
        "service_unavailable",
      ],
      // The provider's price check, then one insert (without an Idempotency-Key).
      roundTrips: { database: 1, redis: 2, providers: 1 },
    },
    ({ db, caller, body }) => createFlightBooking(db.service, caller.userId, body, new Date()),
  ),
});
