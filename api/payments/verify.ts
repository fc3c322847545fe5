import { endpoint } from "../../lib/http/endpoint.js";
import { route } from "../../lib/http/route.js";
import { thenDeliver } from "../../lib/notify/outbox/then-deliver.js";
import { Verification, VerifyRequest, verifyPayment } from "../../lib/payments/verify-payment.js";

export default route({
  POST: endpoint(
    {
      summary: "Verify a checkout payment",
      description:
        "Send Razorpay Checkout's handler response as it came. The server checks the signature over its own stored order id and the payment id, then asks the provider for the payment and checks its order, status, amount and currency; only then is it recorded and the hold confirmed. Anything that does not match is 400 and changes nothing. Guests may verify the orders they made without an account (the signature is the proof); a signed-in customer's order only they may verify. `paymentId` is Bastion's payment id and `providerPaymentId` the provider's (`pay_…`): POST /api/bookings takes either as `paymentId` to book with a payment made before the booking.",
      tags: ["payments"],
      auth: "optional",
      privileged: { ledgerStep: "the payments ledger is written only by the server" },
      body: VerifyRequest,
      response: Verification,
      limit: "payment",
      errors: ["payment_verification_failed", "provider_not_configured", "provider_error"],
      roundTrips: { database: 2, redis: 1, afterResponse: { database: 7 } },
    },
    ({ caller, body, db }) =>
      thenDeliver(db.service, verifyPayment(db.service, caller?.userId ?? null, body)),
  ),
});
