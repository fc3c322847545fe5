import { removeTimeOff, TimeOffParams } from "../../../lib/admin/practice-admin.js";
import { endpoint } from "../../../lib/http/endpoint.js";
import { route } from "../../../lib/http/route.js";

export default route({
  DELETE: endpoint(
    {
      summary: "Remove time off (admin)",
      description: "The time becomes bookable again. Recorded in the staff action log.",
      tags: ["admin"],
      auth: ["admin"],
      params: TimeOffParams,
      limit: "write",
      errors: ["forbidden", "not_found"],
    },
    ({ db, params }) => removeTimeOff(db.user, params.id),
  ),
});
