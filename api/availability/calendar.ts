import { endpoint } from "../../lib/http/endpoint.js";
import { route } from "../../lib/http/route.js";
import { Calendar, CalendarRequest, calendarFor } from "../../lib/scheduling/availability.js";

export default route({
  GET: endpoint(
    {
      summary: "The bookable slots of one session type on each day of a run (a month view)",
      description:
        "Public. The slots of `days` consecutive local dates from `from` (1 to 31; 30 when omitted), each date as GET /api/availability answers it, with `availableSlots`, how many of its slots are available, so a calendar can mark the days with openings and show a day's times without asking again. `practitionerId` names the practitioner (404 when no active practitioner has that id); without it, the practice's first active practitioner by name, or the union over its practitioners when the practice assigns the first free one (then `practitionerId` is null in the answer). When Cal.com schedules the session type, a slot is available only if Cal.com offers it too (503 service_unavailable when Cal.com does not answer). Read fresh from the database in one round trip.",
      tags: ["availability"],
      auth: "public",
      query: CalendarRequest,
      response: Calendar,
      limit: "read",
      errors: ["not_found", "service_unavailable"],
      roundTrips: { database: 1, redis: 1 },
    },
    ({ db, query }) => calendarFor(db.anon, query, new Date()),
  ),
});
