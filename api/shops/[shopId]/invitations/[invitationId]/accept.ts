import * as z from "zod";
import { endpoint } from "../../../../../lib/http/endpoint.js";
import { route } from "../../../../../lib/http/route.js";
import { ShopRole } from "../../../../../lib/shops/roles.js";
import { acceptInvitation, InvitationParams } from "../../../../../lib/shops/team.js";

export default route({
  POST: endpoint(
    {
      summary: "Accept an invitation to a shop's team",
      description:
        "By the invitee, signed in with the invited email address (as verified by sign-in); for anyone else, and once accepted, 404. An expired invitation is 409: the owner invites again. Someone already in the team keeps their role.",
      tags: ["shops"],
      auth: "user",
      privileged: {
        ledgerStep:
          "the invitation is matched to the caller's verified email by its keyed hash, which only the server computes",
      },
      params: InvitationParams,
      response: z.object({ shopId: z.uuid(), role: ShopRole }).meta({ id: "ShopMembership" }),
      limit: "write",
      errors: ["forbidden", "not_found", "conflict"],
    },
    ({ db, caller, params }) =>
      acceptInvitation(db.service, caller, params.shopId, params.invitationId),
  ),
});
