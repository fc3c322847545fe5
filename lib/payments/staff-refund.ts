// POST /api/payments/refund: staff give money back (customers get refunds through the booking
// cancellation policy). Partial refunds add up to at most what was captured; the Idempotency-Key
// the endpoint requires names the refund in the ledger, so a retried request is the same refund.
import { z } from "zod";
import type { Caller } from "../auth/caller.js";
import { ApiError } from "../http/errors.js";
import { paymentById } from "./ledger/ledger.js";
import { type RefundRow, refundPayment } from "./ledger/refund-payment.js";

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

export async function staffRefund(
  caller: Caller,
  request: RefundRequest,
  idempotencyKey: string,
): Promise<RefundView> {
  const payment = await paymentById(request.paymentId);
  if (!payment) throw new ApiError("not_found", "There is no such payment.");
  return view(
    await refundPayment({
      paymentId: payment.id,
      amountMinor: request.amount ?? payment.amount_minor - payment.refunded_minor,
      reason: request.reason,
      requestedBy: caller.userId,
      idempotencyKey: `staff:${caller.userId}:${idempotencyKey}`,
    }),
  );
}
