import { endpoint } from "../../../../lib/http/endpoint.js";
import { route } from "../../../../lib/http/route.js";
import { FlightBookingParams } from "../../../../lib/travel/bookings.js";
import { FlightPaymentStarted, startFlightPayment } from "../../../../lib/travel/payment.js";

export default route({
  POST: endpoint(
    {
      summary: "Pay for my flight booking",
      description:
        "Opens a payment in the ledger for the booking's confirmed total (never an amount from the client). With Stripe (`STRIPE_SECRET_KEY`): `clientSecret` for the Payment Element, then POST /api/payments/confirm `{paymentIntentId}`; otherwise the order checkout (Razorpay, or the local sandbox's `checkoutUrl`), then POST /api/payments/verify. The capture — from confirm, verify or the provider's webhook, whichever comes first — confirms the booking: with Duffel the order is bought at Duffel and the airline's reference kept; when the provider refuses it, the booking fails and the payment is refunded in full automatically. A confirmation email follows. 409 `conflict` unless the booking is awaiting payment; 404 for anyone else's.",
      tags: ["flights"],
      auth: "user",
      privileged: { ledgerStep: "the payments ledger is written only by the server" },
      params: FlightBookingParams,
      response: FlightPaymentStarted,
      status: 201,
      limit: "payment",
      idempotency: "optional",
      errors: ["not_found", "conflict", "provider_error", "provider_not_configured"],
      // With Stripe: the ledger's payment, the PaymentIntent, its id attached.
      roundTrips: { database: 2, redis: 1, providers: 1 },
    },
    ({ db, caller, params }) => startFlightPayment(db.service, caller.userId, params.id),
  ),
});
