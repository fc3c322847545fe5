import { endpoint } from "../../lib/http/endpoint.js";
import { route } from "../../lib/http/route.js";
import {
  createStripeIntent,
  IntentCreated,
  IntentRequest,
} from "../../lib/payments/create-intent.js";
import { GUEST_PAYMENT_NOTE, payerOf, STARTS_A_PAYMENT } from "../../lib/payments/new-payment.js";

export default route({
  POST: endpoint(
    {
      summary: "Create a Stripe PaymentIntent",
      description: `Send \`bookingId\` to pay for the caller's live hold (its amount and currency are used), or \`sessionType\` and \`format\` (and optionally \`currency\`) to pay the catalogue's price. The amount always comes from the server: a body with an amount is refused. Pay in the browser with \`clientSecret\` (Stripe's Payment Element), then call POST /api/payments/confirm; the webhook records the payment too, whichever comes first. ${GUEST_PAYMENT_NOTE}`,
      ...STARTS_A_PAYMENT,
      body: IntentRequest,
      response: IntentCreated,
      errors: ["not_found", "conflict", "provider_not_configured", "provider_error"],
    },
    ({ caller, headers, body, db }) =>
      createStripeIntent(db.service, payerOf(caller, headers), body),
  ),
});
