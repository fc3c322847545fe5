import { endpoint } from "../../../../lib/http/endpoint.js";
import { route } from "../../../../lib/http/route.js";
import { REMOVED, Removed } from "../../../../lib/shops/access.js";
import { InvitationParams, withdrawInvitation } from "../../../../lib/shops/team.js";

export default route({
  DELETE: endpoint(
    {
      summary: "Withdraw an invitation",
      description: "Owners only; an invitation already accepted is 404.",
      tags: ["shops"],
      auth: "user",
      params: InvitationParams,
      response: Removed,
      limit: "write",
      errors: ["not_found", "forbidden"],
    },
    ({ db, params }) =>
      withdrawInvitation(db.user, params.shopId, params.invitationId).then(() => REMOVED),
  ),
});
