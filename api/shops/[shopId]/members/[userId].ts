import * as z from "zod";
import { endpoint } from "../../../../lib/http/endpoint.js";
import { route } from "../../../../lib/http/route.js";
import { REMOVED, Removed } from "../../../../lib/shops/access.js";
import { ShopRole } from "../../../../lib/shops/roles.js";
import {
  changeMemberRole,
  MemberParams,
  MemberRoleChange,
  removeMember,
} from "../../../../lib/shops/team.js";

export default route({
  PUT: endpoint(
    {
      summary: "Change a member's role",
      description:
        "Owners only (403 for others). The shop's last owner cannot stop being one (409).",
      tags: ["shops"],
      auth: "user",
      params: MemberParams,
      body: MemberRoleChange,
      response: z.object({ userId: z.uuid(), role: ShopRole }).meta({ id: "ShopMemberRole" }),
      limit: "write",
      errors: ["not_found", "forbidden", "conflict"],
    },
    ({ db, params, body }) => changeMemberRole(db.user, params.shopId, params.userId, body),
  ),
  DELETE: endpoint(
    {
      summary: "Remove a member, or leave the shop",
      description:
        "Owners remove anyone; every member may remove themselves (their own `userId`: leave). The last owner cannot leave (409).",
      tags: ["shops"],
      auth: "user",
      params: MemberParams,
      response: Removed,
      limit: "write",
      errors: ["not_found", "forbidden", "conflict"],
    },
    ({ db, caller, params }) =>
      removeMember(db.user, caller, params.shopId, params.userId).then(() => REMOVED),
  ),
});
