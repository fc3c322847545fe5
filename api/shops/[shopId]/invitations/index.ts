import { endpoint } from "../../../../lib/http/endpoint.js";
import { route } from "../../../../lib/http/route.js";
import { thenDeliver } from "../../../../lib/notify/outbox/then-deliver.js";
import { ShopParams } from "../../../../lib/shops/access.js";
import {
  INVITATION_DAYS,
  InvitationCreate,
  InvitationList,
  InvitationView,
  inviteMember,
  listInvitations,
} from "../../../../lib/shops/team.js";

export default route({
  GET: endpoint(
    {
      summary: "The shop's open invitations",
      description:
        "Owners only: invitations not accepted yet (expired ones until renewed or withdrawn).",
      tags: ["shops"],
      auth: "user",
      params: ShopParams,
      response: InvitationList,
      limit: "read",
      errors: ["not_found", "forbidden"],
    },
    ({ db, params }) => listInvitations(db.user, params.shopId),
  ),
  POST: endpoint(
    {
      summary: "Invite someone by email as admin or agent",
      description: `Owners only (403 for other members, 404 for anyone else). The invitation expires after ${INVITATION_DAYS} days; inviting the same address again renews it with the new role. The invitee is emailed a link, signs in with that email address and accepts with POST /api/shops/{shopId}/invitations/{invitationId}/accept.`,
      tags: ["shops"],
      auth: "user",
      privileged: {
        ledgerStep:
          "the invitee's email is stored sealed with its keyed hash, which only the server writes",
      },
      params: ShopParams,
      body: InvitationCreate,
      response: InvitationView,
      status: 201,
      limit: "write",
      errors: ["not_found", "forbidden"],
    },
    ({ db, caller, params, body }) =>
      thenDeliver(db.service, inviteMember(db.user, db.service, caller, params.shopId, body)),
  ),
});
