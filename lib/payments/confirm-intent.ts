// POST /api/payments/confirm: the browser says it has paid a PaymentIntent; the server asks Stripe
// and records what Stripe says, nothing else. The intent must be a payment of the caller's — any
// other, someone else's or one we never made, is 404 alike. The same step as the webhook's
// (reconcile-intent.ts), so whichever comes first confirms the hold and the other finds it done.
import type { SupabaseClient } from "@supabase/supabase-js";
import { z } from "zod";
import type { Caller } from "../auth/caller.js";
import { ApiError } from "../http/errors.js";
import { PAYMENT_STATUSES } from "./payment-row.js";
import { retrieveIntent } from "./providers/stripe.js";
import { applyIntent, paymentForIntent } from "./reconcile-intent.js";

export const ConfirmRequest = z.strictObject({
  paymentIntentId: z.string().regex(/^pi_[A-Za-z0-9]{1,200}$/, "A PaymentIntent id (pi_…)"),
});
export type ConfirmRequest = z.infer<typeof ConfirmRequest>;

export const PaymentConfirmation = z
  .object({
    paymentId: z.uuid(),
    /** The ledger's status after Stripe's answer: captured, failed, or still created. */
    status: z.enum(PAYMENT_STATUSES),
    /** The booking it pays for, if any: confirmed once captured. */
    bookingStatus: z.string().nullable(),
  })
  .meta({ id: "PaymentConfirmation" });
export type PaymentConfirmation = z.infer<typeof PaymentConfirmation>;

/** `db`: the caller's client, for their booking; `service` applies the intent to the ledger. */
export async function confirmStripeIntent(
  db: SupabaseClient,
  service: SupabaseClient,
  caller: Caller,
  request: ConfirmRequest,
): Promise<PaymentConfirmation> {
  const intent = await retrieveIntent(request.paymentIntentId);
  const payment = await paymentForIntent(service, intent);
  if (payment?.user_id !== caller.userId) {
    throw new ApiError("not_found", "There is no such payment.");
  }
  const applied = await applyIntent(service, payment, intent);
  return {
    paymentId: applied.payment.id,
    status: applied.payment.status,
    bookingStatus:
      applied.bookingStatus === undefined
        ? await bookingStatus(db, applied.payment.booking_id)
        : applied.bookingStatus,
  };
}

/** Read as the caller, whose own booking it is. */
async function bookingStatus(db: SupabaseClient, bookingId: string | null): Promise<string | null> {
  if (bookingId === null) return null;
  const { data, error } = await db
    .from("bookings")
    .select("status")
    .eq("id", bookingId)
    .maybeSingle<{ status: string }>();
  if (error) throw new Error(`reading a booking's status failed: ${error.code} ${error.message}`);
  return data?.status ?? null;
}
