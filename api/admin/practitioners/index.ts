import {
  PractitionerCreate,
  PractitionerSaved,
  putPractitioner,
} from "../../../lib/admin/practice-admin.js";
import { endpoint } from "../../../lib/http/endpoint.js";
import { route } from "../../../lib/http/route.js";

export default route({
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
