import {
  AdminPractitionerList,
  listPractitioners,
  PractitionerCreate,
  PractitionerSaved,
  putPractitioner,
} from "../../../lib/admin/practice-admin.js";
import { endpoint } from "../../../lib/http/endpoint.js";
import { route } from "../../../lib/http/route.js";

export default route({
  GET: endpoint(
    {
      summary: "Every practitioner, with staff, hours and time off (admin)",
      description:
        "Active and inactive practitioners by name, each with the staff account linked to it, its weekly hours and the time off that has not ended yet (with the ids DELETE /api/admin/time-off/{id} takes, and the reasons).",
      tags: ["admin"],
      auth: ["admin"],
      response: AdminPractitionerList,
      limit: "read",
      errors: ["forbidden"],
    },
    ({ db }) => listPractitioners(db.user),
  ),
  POST: endpoint(
    {
      summary: "Add a practitioner (admin)",
      description:
        "A practitioner with a display name, an IANA time zone and, optionally, weekly working hours (`hours`: `{weekdays, start, end}` in local time, as in supabase/practice.example.json). Link a staff account with PUT /api/admin/staff. One transaction, recorded in the staff action log.",
      tags: ["admin"],
      auth: ["admin"],
      body: PractitionerCreate,
      response: PractitionerSaved,
      status: 201,
      limit: "write",
      errors: ["forbidden", "conflict"],
    },
    ({ db, body }) => putPractitioner(db.user, null, body),
  ),
});
