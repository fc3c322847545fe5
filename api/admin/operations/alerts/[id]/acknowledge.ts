import { endpoint } from "../../../../../lib/http/endpoint.js";
import { route } from "../../../../../lib/http/route.js";
import {
  AlertAcknowledgement,
  acknowledgeAlert,
  UuidParams,
} from "../../../../../lib/operations/actions.js";

export default route({
  POST: endpoint(
    {
      summary: "Acknowledge an open alert (admin)",
      description:
        "Marks an open operations alert as seen, by whom and when (the operations view shows it). The alert still clears, with its email, when its condition does. Recorded in the staff action log. 404 unless the alert is open.",
      tags: ["operations"],
      auth: ["admin"],
      params: UuidParams,
      response: AlertAcknowledgement,
      limit: "write",
      errors: ["not_found"],
    },
    ({ db, params }) => acknowledgeAlert(db.user, params.id),
  ),
});
