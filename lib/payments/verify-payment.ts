// POST /api/payments/verify: the browser's word that it paid, checked twice before anything
// changes. First the checkout signature, HMAC-SHA256 of *our stored* order id and the payment id
// under the key secret, compared in constant time; then the provider's own record of the payment
// (its order, status, amount and currency). Only then is the capture recorded — the same call
// the webhook makes, so whichever arrives first confirms the hold and the other finds it done.
import type { SupabaseClient } from "@supabase/supabase-js";
import * as z from "zod";
import { ApiError } from "../http/errors.js";
import { paymentByOrder } from "./ledger/ledger.js";
import { settleCapture } from "./ledger/settle-capture.js";
import { orderProvider } from "./providers/registry.js";

const PROVIDER_ID = /^[A-Za-z0-9_-]{1,200}$/;

/** Razorpay Checkout's handler response, as the SPA forwards it. */
export const VerifyRequest = z.strictObject({
  razorpay_order_id: z.string().regex(PROVIDER_ID),
  razorpay_payment_id: z.string().regex(PROVIDER_ID),
  razorpay_signature: z.string().regex(/^[0-9a-f]{64}$/),
});
export type VerifyRequest = z.infer<typeof VerifyRequest>;

export const Verification = z
  .object({
    verified: z.literal(true),
    /** Bastion's payment id: GET /api/payments/{id}; POST /api/bookings takes it as `paymentId`. */
    paymentId: z.uuid(),
    /** The provider's payment id (`pay_…`), which POST /api/bookings takes as `paymentId` too. */
    providerPaymentId: z.string(),
    /** captured, or authorized when the provider has not captured it yet (the webhook will). */
    status: z.string(),
    /** The booking it pays for, if any: confirmed once captured. */
    bookingStatus: z.string().nullable(),
  })
  .meta({ id: "Verification" });
export type Verification = z.infer<typeof Verification>;

const unverified = () =>
  new ApiError("payment_verification_failed", "This payment does not match the order.");

/**
 * `userId`: the signed-in caller, or null for a guest. A guest's order (no user) may be verified
 * by anyone holding the checkout's signature, which only the provider's checkout hands out; a
 * signed-in user's order only by that user.
 */
export async function verifyPayment(
  service: SupabaseClient,
  userId: string | null,
  request: VerifyRequest,
): Promise<Verification> {
  const provider = await orderProvider();
  const payment = await paymentByOrder(service, provider.name, request.razorpay_order_id);
  // Someone else's order is as unknown to this caller as a made-up one.
  if (!payment?.provider_order_id || (payment.user_id !== null && payment.user_id !== userId)) {
    throw unverified();
  }
  if (
    !provider.checkoutSignatureValid(
      payment.provider_order_id,
      request.razorpay_payment_id,
      request.razorpay_signature,
    )
  ) {
    throw unverified();
  }
  const reported = await provider.fetchPayment(request.razorpay_payment_id);
  if (reported.orderId !== payment.provider_order_id) throw unverified();
  if (reported.status === "failed" || reported.status === "created") {
    throw new ApiError("payment_verification_failed", "The provider reports this payment unpaid.");
  }
  if (reported.status === "authorized") {
    return {
      verified: true,
      paymentId: payment.id,
      providerPaymentId: reported.id,
      status: "authorized",
      bookingStatus: null,
    };
  }
  const outcome = await settleCapture(service, {
    provider: provider.name,
    providerOrderId: payment.provider_order_id,
    providerPaymentId: reported.id,
    amountMinor: reported.amountMinor,
    currency: reported.currency,
  });
  return {
    verified: true,
    paymentId: outcome.payment.id,
    providerPaymentId: reported.id,
    status: outcome.payment.status,
    bookingStatus: outcome.booking_status,
  };
}
