// POST /api/payments/refund: staff give money back (customers get refunds through the booking
// cancellation policy). Partial refunds add up to at most what was captured; the Idempotency-Key
// the endpoint requires names the refund in the ledger, so a retried request is the same refund.
// The ledger records who asked (requested_by), and the database logs that as a staff action in
// the same transaction (refunds_record_staff_action).
import type { SupabaseClient } from "@supabase/supabase-js";
import * as z from "zod";
import type { Caller } from "../auth/caller.js";
import { type RefundRow, refundPayment } from "./ledger/refund-payment.js";
import { readPayment } from "./read-payment.js";

export const RefundRequest = z.strictObject({
  paymentId: z.uuid(),
  /** Minor units; what is left to refund when omitted. */
  amount: z.number().int().positive().optional(),
  reason: z.string().trim().min(1).max(500),
});
export type RefundRequest = z.infer<typeof RefundRequest>;

export const RefundView = z
  .object({
    refundId: z.uuid(),
    paymentId: z.uuid(),
    amountMinor: z.number().int(),
    status: z.enum(["pending", "succeeded", "failed"]),
  })
  .meta({ id: "Refund" });
export type RefundView = z.infer<typeof RefundView>;

const view = (refund: RefundRow): RefundView => ({
  refundId: refund.id,
  paymentId: refund.payment_id,
  amountMinor: refund.amount_minor,
  status: refund.status,
});

/**
 * `db` is the caller's own client: the payment is read through row-level security, which shows
 * staff only the payments for their practitioner's bookings (admins all of them), so any other
 * payment is 404 like an unknown one before the ledger is touched.
 */
export async function staffRefund(
  db: SupabaseClient,
  service: SupabaseClient,
  caller: Caller,
  request: RefundRequest,
  idempotencyKey: string,
): Promise<RefundView> {
  const payment = await readPayment(db, request.paymentId);
  return view(
    await refundPayment(service, {
      paymentId: payment.id,
      amountMinor: request.amount ?? payment.amountMinor - payment.refundedMinor,
      reason: request.reason,
      requestedBy: caller.userId,
      idempotencyKey: `staff:${caller.userId}:${idempotencyKey}`,
    }),
  );
}
