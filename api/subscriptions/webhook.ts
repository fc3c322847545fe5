// POST /api/subscriptions/webhook: the browser extension spec's path of the Stripe webhook — the
// same endpoint as POST /api/webhooks/stripe (contract, signature check, inbox, handlers), so the
// two can never drift apart, and an event delivered to both is still processed once.
import type { Endpoint } from "../../lib/http/endpoint.js";
import { route } from "../../lib/http/route.js";
import stripeWebhook from "../webhooks/stripe.js";

export default route({ POST: stripeWebhook.endpoints.POST as Endpoint });
