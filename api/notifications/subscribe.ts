import { endpoint } from "../../lib/http/endpoint.js";
import { route } from "../../lib/http/route.js";
import {
  PushSubscriptionBody,
  Subscribed,
  subscribe,
  VapidKey,
  vapidPublicKey,
} from "../../lib/push/subscriptions.js";

export default route({
  GET: endpoint(
    {
      summary: "The VAPID public key to subscribe to push notifications with",
      description:
        "Pass it as `applicationServerKey` to the browser's `pushManager.subscribe()`, then POST the subscription here. 503 when this server has no VAPID keys.",
      tags: ["push"],
      auth: "user",
      response: VapidKey,
      limit: "read",
      errors: ["provider_not_configured"],
      roundTrips: { database: 0, redis: 1 },
    },
    async () => vapidPublicKey(),
  ),
  POST: endpoint(
    {
      summary: "Receive push notifications in this browser",
      description:
        "The body is the browser's `PushSubscription.toJSON()` (`endpoint`, `expirationTime`, `keys.p256dh`, `keys.auth`), made with the key from GET. The endpoint must be a browser push service's (https). Subscribing again from the same browser refreshes its keys. Notifications (new orders, new conversations, messages waiting for a person) go to the shop members who subscribed; a subscription the push service reports gone is deleted.",
      tags: ["push"],
      auth: "user",
      body: PushSubscriptionBody,
      response: Subscribed,
      limit: "write",
      errors: ["provider_not_configured"],
      roundTrips: { database: 1, redis: 1 },
    },
    ({ db, caller, body }) => subscribe(db.user, caller, body),
  ),
});
