import { endpoint } from "../lib/http/endpoint.js";
import { route } from "../lib/http/route.js";
import {
  Availability,
  AvailabilityRequest,
  availabilityFor,
} from "../lib/scheduling/availability.js";

const description =
  "Public. Every slot of the practitioner's local day for the session type, in order: `time` is the local start time, `start` and `end` are UTC instants (ISO 8601), and `available` is false for slots less than two hours away, more than 60 days ahead, during time off or taken by a booking or hold. A day without working hours has no slots. `practitionerId` names the practitioner (404 when no active practitioner has that id); without it, the practice's first active practitioner by name, or, when the practice assigns the first free practitioner (booking rules), the union over its practitioners: a slot is available when any of them is free then, and POST /api/bookings without `practitionerId` books the first one free. When Cal.com schedules the session type (CALCOM_API_KEY, CALCOM_EVENT_TYPE_IDS), a slot is available only if Cal.com's event type offers it too (503 service_unavailable when Cal.com does not answer). Read fresh from the database on every request (one round trip), so a slot taken a moment ago shows as taken; GET /api/availability/calendar answers a run of up to 31 days at once.";

// The same question two ways: GET with a query string, and POST with a JSON body for the SPA
// that sends it so. Both are reads, answered by the same function.
export default route({
  GET: endpoint(
    {
      summary: "The bookable slots of one session type on one day",
      description,
      tags: ["availability"],
      auth: "public",
      query: AvailabilityRequest,
      response: Availability,
      limit: "read",
      errors: ["not_found", "service_unavailable"],
      roundTrips: { database: 1, redis: 1 },
    },
    ({ db, query }) => availabilityFor(db.anon, query, new Date()),
  ),
  POST: endpoint(
    {
      summary: "The bookable slots of one session type on one day (JSON body)",
      description: `${description} Same as GET, for clients that send the question as a JSON body.`,
      tags: ["availability"],
      auth: "public",
      body: AvailabilityRequest,
      response: Availability,
      limit: "read",
      errors: ["not_found", "service_unavailable"],
    },
    ({ db, body }) => availabilityFor(db.anon, body, new Date()),
  ),
});
