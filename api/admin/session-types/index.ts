import { AdminSessionTypeList, listSessionTypes } from "../../../lib/admin/practice-admin.js";
import { endpoint } from "../../../lib/http/endpoint.js";
import { route } from "../../../lib/http/route.js";

export default route({
  GET: endpoint(
    {
      summary: "Every session type with all its prices (admin)",
      description:
        "Retired types and prices no longer offered included (`active: false`), unlike the public GET /api/services. Change one with PUT /api/admin/session-types/{slug}.",
      tags: ["admin"],
      auth: ["admin"],
      response: AdminSessionTypeList,
      limit: "read",
      errors: ["forbidden"],
    },
    ({ db }) => listSessionTypes(db.user),
  ),
});
