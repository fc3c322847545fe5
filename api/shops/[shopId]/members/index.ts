import { endpoint } from "../../../../lib/http/endpoint.js";
import { route } from "../../../../lib/http/route.js";
import { ShopParams } from "../../../../lib/shops/access.js";
import { listMembers, MemberList } from "../../../../lib/shops/team.js";

export default route({
  GET: endpoint(
    {
      summary: "The shop's team",
      description: "Every member: each member's sign-in email and role.",
      tags: ["shops"],
      auth: "user",
      params: ShopParams,
      response: MemberList,
      limit: "read",
      errors: ["not_found"],
    },
    ({ db, params }) => listMembers(db.user, params.shopId),
  ),
});
