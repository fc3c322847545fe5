import { endpoint } from "../../lib/http/endpoint.js";
import { route } from "../../lib/http/route.js";
import {
  openBillingPortal,
  PortalRequest,
  PortalSession,
} from "../../lib/subscriptions/billing-portal.js";

export default route({
  POST: endpoint(
    {
      summary: "Open the billing portal",
      description:
        "A Stripe billing portal session for the account's customer: card, invoices, cancelling or resuming. `returnUrl` must be a page of the app (APP_URL) or of an origin in ALLOWED_ORIGINS; any other is 400. 404 before the account has subscribed.",
      tags: ["subscriptions"],
      auth: "user",
      body: PortalRequest,
      response: PortalSession,
      status: 201,
      limit: "payment",
      errors: ["not_found", "provider_not_configured", "provider_error"],
    },
    ({ db, caller, body }) => openBillingPortal(db.user, caller, body),
  ),
});
