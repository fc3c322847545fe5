import { hasAnyRole } from "../../../lib/auth/roles.js";
import { endpoint } from "../../../lib/http/endpoint.js";
import { route } from "../../../lib/http/route.js";
import {
  OperationsQuery,
  OperationsView,
  readOperations,
} from "../../../lib/operations/overview.js";

export default route({
  GET: endpoint(
    {
      summary: "What needs a human now (operations)",
      description:
        "Each condition of the list of condition queries — provider webhook events not processed, email or SMS failed, bounced or stuck, refunds owed or pending at the provider, captured payments with no booking, payments the ledger disagrees about, open disputes — with how many items are stuck beyond the condition's threshold (OPERATIONS_THRESHOLDS, minutes), since when the oldest is, and the oldest ids to act on. Admins see every item, each scheduled job's last successful run against its schedule (`late` after OPERATIONS_JOB_MISSED_RUNS missed runs) and the open alerts; staff see the conditions that concern a practitioner, with their practitioners' items only, and no jobs or alerts.",
      tags: ["operations"],
      auth: ["staff"],
      query: OperationsQuery,
      response: OperationsView,
      limit: "read",
    },
    ({ db, caller, query }) =>
      readOperations(db.user, { admin: hasAnyRole(caller, ["admin"]), limit: query.limit }),
  ),
});
