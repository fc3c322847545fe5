// POST /api/payments/create-intent: a Stripe PaymentIntent for the browser's Payment Element. The
// amount is the server's — the hold's when a booking is named, else the catalogue's — and a body
// that carries an amount is refused as having an unknown field. The intent is created under an
// idempotency key named after our new payment, and the payment's id rides in its metadata.
import type { SupabaseClient } from "@supabase/supabase-js";
import * as z from "zod";
import { SESSION_FORMATS } from "../catalogue/services.js";
import { SESSION_TYPE_SLUG } from "../scheduling/availability.js";
import { attachOrder, createPayment } from "./ledger/ledger.js";
import { newPayment, type Payer } from "./new-payment.js";
import { createIntent } from "./providers/stripe.js";

export const IntentRequest = z
  .strictObject({
    /** Pay for this hold: its amount and currency are used. */
    bookingId: z.uuid().optional(),
    /** Without a booking: the session type and format (its default when omitted), priced from the catalogue. */
    sessionType: z.string().regex(SESSION_TYPE_SLUG).optional(),
    format: z.enum(SESSION_FORMATS).optional(),
    /** ISO 4217, without a booking; the practice's currency when omitted. */
    currency: z
      .string()
      .regex(/^[A-Z]{3}$/)
      .optional(),
  })
  .refine((body) => body.bookingId !== undefined || body.sessionType !== undefined, {
    message: "Send bookingId, or sessionType (and optionally format)",
    path: ["bookingId"],
  })
  .refine((body) => body.bookingId === undefined || body.currency === undefined, {
    message: "A booking is paid in its own currency: send bookingId without currency",
    path: ["currency"],
  });
export type IntentRequest = z.infer<typeof IntentRequest>;

export const IntentCreated = z
  .object({
    /** For stripe.confirmPayment in the browser; it can pay this intent only. */
    clientSecret: z.string(),
    paymentIntentId: z.string(),
    /** In minor units, computed by the server. */
    amount: z.number().int().positive(),
    currency: z.string(),
    /** Our payment id: GET /api/payments/{id}. */
    paymentId: z.uuid(),
  })
  .meta({ id: "IntentCreated" });
export type IntentCreated = z.infer<typeof IntentCreated>;

export async function createStripeIntent(
  service: SupabaseClient,
  payer: Payer,
  request: IntentRequest,
): Promise<IntentCreated> {
  const payment = await createPayment(service, newPayment(payer, "stripe", request));
  const intent = await createIntent(payment);
  await attachOrder(service, payment.id, intent.id);
  if (intent.client_secret === null) {
    throw new Error(`Stripe answered intent ${intent.id} without a client secret`);
  }
  return {
    clientSecret: intent.client_secret,
    paymentIntentId: intent.id,
    amount: payment.amount_minor,
    currency: payment.currency,
    paymentId: payment.id,
  };
}
