import { currentUser, MeView } from "../../lib/accounts/me.js";
import { endpoint } from "../../lib/http/endpoint.js";
import { route } from "../../lib/http/route.js";

export default route({
  GET: endpoint(
    {
      summary: "The signed-in user, their profile and their shops",
      description:
        "`shops` lists the shops the caller belongs to with their role in each (owner, admin or agent); `username` is the sign-in email's local part.",
      tags: ["auth"],
      auth: "user",
      response: MeView,
      limit: "read",
      roundTrips: { database: 2, redis: 1 },
    },
    ({ caller, db }) => currentUser(caller, db.user),
  ),
});
