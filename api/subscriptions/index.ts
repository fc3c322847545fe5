import { endpoint } from "../../lib/http/endpoint.js";
import { route } from "../../lib/http/route.js";
import { cancelSubscription } from "../../lib/subscriptions/cancel-subscription.js";
import { changeTier, TierChange } from "../../lib/subscriptions/change-tier.js";
import {
  SubscriptionCheckoutCreated,
  SubscriptionCheckoutRequest,
  startSubscriptionCheckout,
} from "../../lib/subscriptions/start-checkout.js";
import { mySubscription } from "../../lib/subscriptions/subscription-status.js";
import { MySubscription, SubscriptionView } from "../../lib/subscriptions/subscription-view.js";

export default route({
  GET: endpoint(
    {
      summary: "My subscription",
      description:
        "The tier the account has now — `free` without a subscription that gives one — and the live subscription behind it. Active and trialing subscriptions give their tier; one whose renewal payment failed (past_due) keeps it for 7 days while Stripe retries the card. Changes show once Stripe's webhook has reported them, usually within seconds.",
      tags: ["subscriptions"],
      auth: "user",
      response: MySubscription,
      limit: "read",
    },
    ({ db, caller }) => mySubscription(db.user, caller),
  ),
  POST: endpoint(
    {
      summary: "Subscribe to a tier",
      description:
        "Stripe Checkout, in subscription mode, at the tier's price as the server has it. `successUrl` and `cancelUrl` must be pages of the app (APP_URL) or of an origin in ALLOWED_ORIGINS; any other is 400. Send the browser to `url`; the webhook records the subscription when Checkout completes. 409 while the account already has a live subscription: change its tier with PUT instead.",
      tags: ["subscriptions"],
      auth: "user",
      body: SubscriptionCheckoutRequest,
      response: SubscriptionCheckoutCreated,
      status: 201,
      limit: "payment",
      idempotency: "required",
      errors: ["conflict", "provider_not_configured", "provider_error"],
    },
    ({ db, caller, body, idempotencyKey }) =>
      startSubscriptionCheckout(db.user, caller, body, idempotencyKey),
  ),
  PUT: endpoint(
    {
      summary: "Change my subscription's tier",
      description:
        "Moves the live subscription to the tier's price, prorated: the difference is charged or credited on the next invoice. Answers the subscription as Stripe has it after the change; GET shows it once the webhook has recorded it.",
      tags: ["subscriptions"],
      auth: "user",
      body: TierChange,
      response: SubscriptionView,
      limit: "payment",
      errors: ["not_found", "conflict", "provider_not_configured", "provider_error"],
    },
    ({ db, caller, body }) => changeTier(db.user, caller, body),
  ),
  DELETE: endpoint(
    {
      summary: "Cancel my subscription at the end of the period",
      description:
        "The subscription stops renewing and keeps its tier until `currentPeriodEnd`. Answers the subscription as Stripe has it after the change. The billing portal can resume it before then.",
      tags: ["subscriptions"],
      auth: "user",
      response: SubscriptionView,
      limit: "payment",
      errors: ["not_found", "provider_not_configured", "provider_error"],
    },
    ({ db, caller }) => cancelSubscription(db.user, caller),
  ),
});
