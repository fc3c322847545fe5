import {
  addTimeOff,
  PractitionerParams,
  TimeOffBody,
  TimeOffSaved,
} from "../../../../lib/admin/practice-admin.js";
import { endpoint } from "../../../../lib/http/endpoint.js";
import { route } from "../../../../lib/http/route.js";

export default route({
  POST: endpoint(
    {
      summary: "Add time off for a practitioner (admin)",
      description:
        "No session can be booked in [`from`, `to`) from now on (bookings already made stay; cancel them with POST /api/bookings/{id}/cancel). The `reason` is for staff only. Recorded in the staff action log; remove with DELETE /api/admin/time-off/{id}.",
      tags: ["admin"],
      auth: ["admin"],
      params: PractitionerParams,
      body: TimeOffBody,
      response: TimeOffSaved,
      status: 201,
      limit: "write",
      errors: ["forbidden", "not_found"],
    },
    ({ db, params, body }) => addTimeOff(db.user, params.id, body),
  ),
});
