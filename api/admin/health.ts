import { endpoint } from "../../lib/http/endpoint.js";
import { route } from "../../lib/http/route.js";
import { AdminHealth, adminHealth } from "../../lib/operations/admin-health.js";

export default route({
  GET: endpoint(
    {
      summary: "The deployment's health, in detail (admin)",
      description:
        "What GET /api/health reports, and for admins: each provider's configuration (`configured`, `partial` or `not_configured`, with the missing settings by name, never a value), the settings the deployment cannot serve without, the newest migration the database has applied, the latency of one database and one Redis round trip from this function, and the deployed versions (commit, Node). GET /api/health stays the cheap public probe.",
      tags: ["operations"],
      auth: ["admin"],
      response: AdminHealth,
      limit: "read",
    },
    ({ db }) => adminHealth(db.user),
  ),
});
