// POST /api/shops/:shopId/payments/:id/refund: the shop's owner or admin gives money back, in full
// or in part, never more than was captured and not yet refunded. The database checks the role
// and the shop and reserves the amount in one call (shop_begin_refund); the provider is then
// asked (a destination charge with its transfer reversed, so the shop returns what it received),
// and the ledger records the answer. The Idempotency-Key the endpoint requires names the refund:
// a retried request is the same refund. The refund is in the staff action log with who asked.
import type { SupabaseClient } from "@supabase/supabase-js";
import * as z from "zod";
import { sendReservedRefund } from "../../payments/ledger/refund-payment.js";
import type { RefundView } from "../../payments/staff-refund.js";
import { beginShopRefund, shopPaymentForMember } from "./shop-ledger.js";

export const ShopRefundRequest = z.strictObject({
  /** Minor units; what is left to refund when omitted. */
  amount: z.number().int().positive().optional(),
  reason: z.string().trim().min(1).max(500),
});
export type ShopRefundRequest = z.infer<typeof ShopRefundRequest>;

export async function refundShopPayment(
  service: SupabaseClient,
  caller: { userId: string },
  target: { shopId: string; paymentId: string },
  request: ShopRefundRequest,
  idempotencyKey: string,
): Promise<RefundView> {
  const refund = await beginShopRefund(service, {
    userId: caller.userId,
    shopId: target.shopId,
    paymentId: target.paymentId,
    amountMinor: request.amount ?? null,
    reason: request.reason,
    idempotencyKey: `shop:${caller.userId}:${idempotencyKey}`,
  });
  const payment = await shopPaymentForMember(service, {
    userId: caller.userId,
    shopId: target.shopId,
    paymentId: target.paymentId,
    permission: "payments.refund",
  });
  const sent = await sendReservedRefund(service, payment, refund);
  return {
    refundId: sent.id,
    paymentId: sent.payment_id,
    amountMinor: sent.amount_minor,
    status: sent.status,
  };
}
