import { currentUser, MeView } from "../../lib/accounts/me.js";
import { endpoint } from "../../lib/http/endpoint.js";
import { route } from "../../lib/http/route.js";

export default route({
  GET: endpoint(
    {
      summary: "The signed-in user and their profile",
      tags: ["auth"],
      auth: "user",
      response: MeView,
      limit: "read",
      roundTrips: { database: 1, redis: 1 },
    },
    ({ caller, db }) => currentUser(caller, db.user),
  ),
});
