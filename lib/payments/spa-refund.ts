// POST /api/payments/refund as the MindfulQALB SPA's admin page sends it: `{booking_id}` ("Cancel &
// refund") or `{razorpay_payment_id}` (its payments tab), with the staff token, no reason and no
// Idempotency-Key. The payment is found through the caller's own client (row-level security shows
// staff only their practitioner's payments, admins all), and what is left of it is refunded, as
// a staff refund without `amount` is. The refund is named by the payment (no key is sent), so a
// repeated click is the same refund. A booking or payment with nothing paid left is 404 with
// "No paid payment …" in `error` — the phrase on which the SPA goes on to cancel a free booking.
import type { SupabaseClient } from "@supabase/supabase-js";
import * as z from "zod";
import type { Caller } from "../auth/caller.js";
import { withErrorText } from "../bookings/spa-confirm.js";
import { ApiError } from "../http/errors.js";
import { refundPayment } from "./ledger/refund-payment.js";
import { PaymentRow } from "./payment-row.js";
import { RefundRequest, type RefundView } from "./staff-refund.js";

/**
 * The refund endpoint's body: Bastion's `{paymentId, amount?, reason}` (with an Idempotency-Key),
 * or the SPA's `{booking_id}` or `{razorpay_payment_id}` alone. One strict object, so an unknown
 * field is named in the 400; which shape was sent is checked by refundOf.
 */
export const RefundBody = z.strictObject({
  paymentId: RefundRequest.shape.paymentId.optional(),
  amount: RefundRequest.shape.amount,
  reason: RefundRequest.shape.reason.optional(),
  booking_id: z.uuid().optional().describe("The SPA's: refund what was paid for this booking"),
  razorpay_payment_id: z
    .string()
    .min(1)
    .max(200)
    .optional()
    .describe("The SPA's: refund this provider payment (pay_…)"),
});
export type RefundBody = z.infer<typeof RefundBody>;

export type SpaRefundRequest = { booking_id: string } | { razorpay_payment_id: string };

/** Which refund the body asks for: Bastion's (key required) or the SPA's. */
export function refundOf(
  body: RefundBody,
  idempotencyKey: string | undefined,
):
  | { kind: "staff"; request: RefundRequest; idempotencyKey: string }
  | { kind: "spa"; request: SpaRefundRequest } {
  const { paymentId, amount, reason, booking_id, razorpay_payment_id } = body;
  const spaFields = [booking_id, razorpay_payment_id].filter((field) => field !== undefined);
  if (paymentId !== undefined && spaFields.length === 0) {
    if (reason === undefined) {
      throw new ApiError("validation_failed", "Say why the payment is refunded.", {
        errors: { reason: ["Required with paymentId"] },
      });
    }
    if (!idempotencyKey) {
      throw new ApiError("idempotency_key_missing", "Send an Idempotency-Key with `paymentId`.");
    }
    return { kind: "staff", request: { paymentId, amount, reason }, idempotencyKey };
  }
  if (paymentId === undefined && spaFields.length === 1 && amount === undefined && !reason) {
    return {
      kind: "spa",
      request:
        booking_id !== undefined
          ? { booking_id }
          : { razorpay_payment_id: razorpay_payment_id as string },
    };
  }
  throw new ApiError(
    "validation_failed",
    "Send one of paymentId, booking_id or razorpay_payment_id.",
    {
      errors: {
        paymentId: ["Send paymentId with reason, or booking_id or razorpay_payment_id alone"],
      },
    },
  );
}

export const NO_PAID_PAYMENT = "No paid payment found for this booking/payment";

export async function spaRefund(
  db: SupabaseClient,
  service: SupabaseClient,
  caller: Caller,
  request: SpaRefundRequest,
): Promise<RefundView> {
  const query = db.from("payments").select("*").in("status", ["captured", "partially_refunded"]);
  const { data, error } = await ("booking_id" in request
    ? query.eq("booking_id", request.booking_id)
    : query.eq("provider_payment_id", request.razorpay_payment_id)
  )
    .order("created_at")
    .limit(1)
    .maybeSingle();
  if (error) throw new Error(`reading a payment failed: ${error.code} ${error.message}`);
  if (data === null) {
    throw new ApiError("not_found", NO_PAID_PAYMENT, { extensions: { error: NO_PAID_PAYMENT } });
  }
  const payment = PaymentRow.parse(data);
  try {
    const refund = await refundPayment(service, {
      paymentId: payment.id,
      amountMinor: payment.amount_minor - payment.refunded_minor,
      reason: "Refunded from the practice's admin page",
      requestedBy: caller.userId,
      idempotencyKey: `staff:${caller.userId}:spa-refund:${payment.id}`,
    });
    return {
      refundId: refund.id,
      paymentId: refund.payment_id,
      amountMinor: refund.amount_minor,
      status: refund.status,
    };
  } catch (failure) {
    throw withErrorText(failure);
  }
}
