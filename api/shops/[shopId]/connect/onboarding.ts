import * as z from "zod";
import { endpoint } from "../../../../lib/http/endpoint.js";
import { route } from "../../../../lib/http/route.js";
import {
  OnboardingLink,
  OnboardingRequest,
  startOnboarding,
} from "../../../../lib/shops/payments/onboarding.js";

export default route({
  POST: endpoint(
    {
      summary: "Start Stripe Connect onboarding",
      description:
        "For the shop's owners (`payouts.manage`; anyone else gets 404): creates the shop's Stripe Express account once, and answers a one-time Account Link to Stripe's hosted onboarding. Stripe sends the owner back to APP_URL + `returnPath` (`/shops/{shopId}/payouts` by default) with `?stripe=return`, or `?stripe=refresh` when the link expired (ask again). The URLs are built from APP_URL, never from the request's Host.",
      tags: ["shop payments"],
      auth: "user",
      privileged: { ledgerStep: "a shop's payout account is written only by the server" },
      params: z.strictObject({ shopId: z.uuid() }),
      body: OnboardingRequest,
      response: OnboardingLink,
      status: 201,
      limit: "payment",
      errors: ["not_found", "provider_not_configured", "provider_error"],
    },
    ({ caller, params, body, db, appUrl }) =>
      startOnboarding(db.service, caller, params.shopId, appUrl, body),
  ),
});
