import { SummaryQuery, UsageSummary, usageSummary } from "../../lib/analytics/usage-events.js";
import { endpoint } from "../../lib/http/endpoint.js";
import { route } from "../../lib/http/route.js";

export default route({
  GET: endpoint(
    {
      summary: "Daily usage per feature and tier (admin)",
      description:
        "For each day from `from` to `to` (at most 366 days): the events and the distinct users per feature and tier, from the events still kept. Never a user's id or a single user's events.",
      tags: ["analytics"],
      auth: ["admin"],
      query: SummaryQuery,
      response: UsageSummary,
      limit: "read",
      privileged: {
        ledgerStep: "usage events are the server's table; only aggregates leave it, to admins",
      },
    },
    ({ db, query }) => usageSummary(db.service, query),
  ),
});
