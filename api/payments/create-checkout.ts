import { endpoint } from "../../lib/http/endpoint.js";
import { route } from "../../lib/http/route.js";
import {
  CheckoutCreated,
  CheckoutRequest,
  createStripeCheckout,
} from "../../lib/payments/create-checkout.js";
import { GUEST_PAYMENT_NOTE, payerOf, STARTS_A_PAYMENT } from "../../lib/payments/new-payment.js";

export default route({
  POST: endpoint(
    {
      summary: "Create a Stripe Checkout Session",
      description: `Stripe's hosted payment page for a session, priced by the server (the hold's amount when \`bookingId\` is given, else the catalogue's). \`successUrl\` and \`cancelUrl\` must be pages of the app (APP_URL) or of an origin in ALLOWED_ORIGINS; any other is 400. Send the browser to \`url\`; the webhook records the payment when it completes. ${GUEST_PAYMENT_NOTE}`,
      ...STARTS_A_PAYMENT,
      body: CheckoutRequest,
      response: CheckoutCreated,
      errors: ["not_found", "conflict", "provider_not_configured", "provider_error"],
    },
    ({ caller, headers, body, db }) =>
      createStripeCheckout(db.service, payerOf(caller, headers), body),
  ),
});
