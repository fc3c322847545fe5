// Paying for a flight booking through the payments ledger: a payment at the booking's confirmed
// price (the amount and currency come from the booking row, never from the request), with Stripe
// (a PaymentIntent for the Payment Element) when it is configured, else the order checkout
// (Razorpay, or the local sandbox's page). The capture — whichever of POST /api/payments/confirm
// (Stripe), POST /api/payments/verify (order checkout) or the provider's webhook arrives first —
// reaches settleFlightCapture (flight-capture.ts) through the ledger's settleCapture.
import type { SupabaseClient } from "@supabase/supabase-js";
import * as z from "zod";
import { rpcCaller } from "../db/rpc.js";
import { env } from "../env.js";
import { attachOrder } from "../payments/ledger/ledger.js";
import { PaymentRow } from "../payments/payment-row.js";
import { orderProvider } from "../payments/providers/registry.js";
import { throwFlightBookingError } from "./bookings.js";

const call = rpcCaller(throwFlightBookingError);

export const FlightPaymentStarted = z
  .object({
    /** Bastion's payment id: GET /api/payments/{id}. */
    paymentId: z.uuid(),
    provider: z.enum(["stripe", "razorpay", "sandbox"]),
    /** The booking's confirmed total, in minor units. */
    amount: z.number().int().positive(),
    currency: z.string(),
    /** Stripe: for stripe.confirmPayment; then POST /api/payments/confirm {paymentIntentId}. */
    clientSecret: z.string().optional(),
    paymentIntentId: z.string().optional(),
    /** Razorpay/sandbox: the order to open the checkout with; then POST /api/payments/verify. */
    orderId: z.string().optional(),
    keyId: z.string().optional(),
    /** Local sandbox only: the page that plays the provider's checkout. */
    checkoutUrl: z.string().optional(),
  })
  .meta({ id: "FlightPaymentStarted" });
export type FlightPaymentStarted = z.infer<typeof FlightPaymentStarted>;

export async function startFlightPayment(
  service: SupabaseClient,
  userId: string,
  bookingId: string,
): Promise<FlightPaymentStarted> {
  const stripe = env().STRIPE_SECRET_KEY !== undefined;
  const order = stripe ? undefined : await orderProvider();
  const payment = await call(
    service,
    "ledger_open_flight_payment",
    { p_user_id: userId, p_flight_booking_id: bookingId, p_provider: order?.name ?? "stripe" },
    PaymentRow,
  );
  const base = {
    paymentId: payment.id,
    amount: payment.amount_minor,
    currency: payment.currency,
  };
  if (order === undefined) {
    const { createIntent } = await import("../payments/providers/stripe.js");
    const intent = await createIntent(payment);
    await attachOrder(service, payment.id, intent.id);
    if (intent.client_secret === null) {
      throw new Error(`Stripe answered intent ${intent.id} without a client secret`);
    }
    return {
      ...base,
      provider: "stripe",
      clientSecret: intent.client_secret,
      paymentIntentId: intent.id,
    };
  }
  const { orderId } = await order.createOrder({
    receipt: payment.id,
    amountMinor: payment.amount_minor,
    currency: payment.currency,
  });
  await attachOrder(service, payment.id, orderId);
  return {
    ...base,
    provider: order.name,
    orderId,
    keyId: order.keyId,
    ...(order.name === "sandbox" && { checkoutUrl: `/__dev/pay/${orderId}` }),
  };
}
