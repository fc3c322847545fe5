// POST /api/payments/create-checkout: a Stripe Checkout Session (Stripe's hosted payment page) for
// a session, priced by the server like every other payment, returning only to pages of our own
// origins. Stripe creates the session's PaymentIntent when the customer pays; its metadata names
// our payment, so the webhook attaches it to the ledger then (reconcile-intent.ts).
import type { SupabaseClient } from "@supabase/supabase-js";
import * as z from "zod";
import { SESSION_FORMATS } from "../catalogue/services.js";
import { SESSION_TYPE_SLUG } from "../scheduling/availability.js";
import {
  checkoutReturnFields,
  openedCheckout,
  openedCheckoutFields,
  requireOwnReturnPages,
} from "./checkout-session.js";
import { createPayment } from "./ledger/ledger.js";
import { newPayment, type Payer } from "./new-payment.js";
import { createCheckoutSession } from "./providers/stripe.js";

export const CheckoutRequest = z.strictObject({
  sessionType: z.string().regex(SESSION_TYPE_SLUG),
  /** The session type's default format (video when it has a video price) when omitted. */
  format: z.enum(SESSION_FORMATS).optional(),
  customer: z.strictObject({ email: z.email().max(254) }),
  ...checkoutReturnFields,
  /** Pay for this hold: its amount and currency are used. */
  bookingId: z.uuid().optional(),
  /** ISO 4217, without a booking; the practice's currency when omitted. */
  currency: z
    .string()
    .regex(/^[A-Z]{3}$/)
    .optional(),
});
export type CheckoutRequest = z.infer<typeof CheckoutRequest>;

export const CheckoutCreated = z
  .object({
    ...openedCheckoutFields,
    /** Our payment id: GET /api/payments/{id}. */
    paymentId: z.uuid(),
  })
  .meta({ id: "CheckoutCreated" });
export type CheckoutCreated = z.infer<typeof CheckoutCreated>;

export async function createStripeCheckout(
  service: SupabaseClient,
  payer: Payer,
  request: CheckoutRequest,
): Promise<CheckoutCreated> {
  requireOwnReturnPages(request);
  const [payment, productName] = await Promise.all([
    createPayment(service, newPayment(payer, "stripe", request)),
    sessionTypeName(service, request.sessionType),
  ]);
  const session = await createCheckoutSession(payment, {
    productName,
    customerEmail: request.customer.email,
    successUrl: request.successUrl,
    cancelUrl: request.cancelUrl,
  });
  return { ...openedCheckout(session), paymentId: payment.id };
}

/** The name the customer sees on Stripe's page; the amount is the ledger's, whatever it says. */
async function sessionTypeName(service: SupabaseClient, slug: string): Promise<string> {
  const { data, error } = await service
    .from("session_types")
    .select("name")
    .eq("slug", slug)
    .maybeSingle<{ name: string }>();
  if (error) throw new Error(`reading a session type failed: ${error.code} ${error.message}`);
  return data?.name ?? slug;
}
