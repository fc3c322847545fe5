import { endpoint } from "../../lib/http/endpoint.js";
import { route } from "../../lib/http/route.js";
import { UnsubscribeBody, Unsubscribed, unsubscribe } from "../../lib/push/subscriptions.js";

export default route({
  POST: endpoint(
    {
      summary: "Stop push notifications to a browser",
      description:
        "Removes the caller's subscription with this `endpoint` (from `PushSubscription.endpoint`); `unsubscribed: false` when the caller had none. Call it before `PushSubscription.unsubscribe()` and on sign-out.",
      tags: ["push"],
      auth: "user",
      body: UnsubscribeBody,
      response: Unsubscribed,
      limit: "write",
      roundTrips: { database: 1, redis: 1 },
    },
    ({ db, caller, body }) => unsubscribe(db.user, caller, body.endpoint),
  ),
});
