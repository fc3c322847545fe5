import { endpoint } from "../../lib/http/endpoint.js";
import { route } from "../../lib/http/route.js";
import { thenDeliver } from "../../lib/notify/outbox/then-deliver.js";
import {
  ConfirmRequest,
  confirmStripeIntent,
  PaymentConfirmation,
} from "../../lib/payments/confirm-intent.js";

export default route({
  POST: endpoint(
    {
      summary: "Confirm a Stripe payment",
      description:
        "After stripe.confirmPayment in the browser, send the PaymentIntent id. The server retrieves the intent from Stripe and records what Stripe reports — captured (the hold is confirmed), failed, or not paid yet — never what the client says. An intent that is not one of the caller's payments is 404. Guests may confirm the payments they made without an account.",
      tags: ["payments"],
      auth: "optional",
      privileged: { ledgerStep: "the payments ledger is written only by the server" },
      body: ConfirmRequest,
      response: PaymentConfirmation,
      limit: "payment",
      errors: [
        "not_found",
        "payment_verification_failed",
        "provider_not_configured",
        "provider_error",
      ],
    },
    ({ caller, body, db }) =>
      thenDeliver(db.service, confirmStripeIntent(db.service, caller?.userId ?? null, body)),
  ),
});
