import {
  putSessionType,
  SessionTypeBody,
  SessionTypeParams,
  SessionTypeSaved,
} from "../../../lib/admin/practice-admin.js";
import { endpoint } from "../../../lib/http/endpoint.js";
import { route } from "../../../lib/http/route.js";

export default route({
  PUT: endpoint(
    {
      summary: "Create or update a session type and its prices (admin)",
      description:
        "By slug: creates the type or replaces its name, description, duration, buffer, consent requirement, order and prices (each currency and format at most once; the type's other prices stop being offered). `active: false` retires it (existing bookings stay). One transaction, recorded in the staff action log.",
      tags: ["admin"],
      auth: ["admin"],
      params: SessionTypeParams,
      body: SessionTypeBody,
      response: SessionTypeSaved,
      limit: "write",
      errors: ["forbidden", "conflict"],
    },
    ({ db, params, body }) => putSessionType(db.user, params.slug, body),
  ),
});
