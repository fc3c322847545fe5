import {
  PractitionerParams,
  PractitionerSaved,
  PractitionerUpdate,
  putPractitioner,
} from "../../../lib/admin/practice-admin.js";
import { endpoint } from "../../../lib/http/endpoint.js";
import { route } from "../../../lib/http/route.js";

export default route({
  PATCH: endpoint(
    {
      summary: "Change a practitioner or their working hours (admin)",
      description:
        "Changes what is sent: display name, time zone, `active` (false: no longer offered; bookings stay), and `hours`, which replaces the weekly working hours as a whole (`[]` for none). One transaction, recorded in the staff action log; 404 for an unknown id.",
      tags: ["admin"],
      auth: ["admin"],
      params: PractitionerParams,
      body: PractitionerUpdate,
      response: PractitionerSaved,
      limit: "write",
      errors: ["forbidden", "not_found", "conflict"],
    },
    ({ db, params, body }) => putPractitioner(db.user, params.id, body),
  ),
});
