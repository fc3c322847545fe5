// POST /api/payments/confirm: the browser says it has paid a PaymentIntent; the server asks Stripe
// and records what Stripe says, nothing else. The intent must be a payment of the caller's — any
// other, someone else's or one we never made, is 404 alike. The same step as the webhook's
// (reconcile-intent.ts), so whichever comes first confirms the hold and the other finds it done.
import type { SupabaseClient } from "@supabase/supabase-js";
import * as z from "zod";
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

/**
 * `service` applies the intent to the ledger and reads the status of the booking it pays for.
 * `userId`: the signed-in caller, or null for a guest, who may confirm guests' payments only
 * (user_id null); a signed-in caller may confirm their own and guests'.
 */
export async function confirmStripeIntent(
  service: SupabaseClient,
  userId: string | null,
  request: ConfirmRequest,
): Promise<PaymentConfirmation> {
  const intent = await retrieveIntent(request.paymentIntentId);
  const payment = await paymentForIntent(service, intent);
  if (!payment || (payment.user_id !== null && payment.user_id !== userId)) {
    throw new ApiError("not_found", "There is no such payment.");
  }
  const applied = await applyIntent(service, payment, intent);
  return {
    paymentId: applied.payment.id,
    status: applied.payment.status,
    bookingStatus:
      applied.bookingStatus === undefined
        ? await bookingStatus(service, applied.payment.booking_id)
        : applied.bookingStatus,
  };
}

/** The status only, of the booking the caller's (or a guest's) payment pays for. */
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
