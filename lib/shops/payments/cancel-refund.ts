// A paid order the team cancels is refunded: the cancel's own transaction reserved what is left
// of its payment under `order-cancelled:<order id>` (orders_refund_on_cancel,
// 20261121003100_order_cancel_refund.sql); this asks the provider for it right away, through the
// ledger's one refund step (a Connect charge has its transfer reversed). The cancel has already
// happened, so a provider that does not answer fails nothing here: the refund stays reserved and
// the payments sweep sends it.
import type { SupabaseClient } from "@supabase/supabase-js";
import { log } from "../../log.js";
import { paymentById } from "../../payments/ledger/ledger.js";
import { RefundRow, sendReservedRefund } from "../../payments/ledger/refund-payment.js";

/** True when the order had a refund to send (its payment status may have moved). */
export async function sendCancelledOrderRefund(
  service: SupabaseClient,
  orderId: string,
): Promise<boolean> {
  const { data, error } = await service
    .from("refunds")
    .select("id, payment_id, provider_refund_id, amount_minor, status, reason, created_at")
    .eq("idempotency_key", `order-cancelled:${orderId}`)
    .maybeSingle();
  if (error) throw new Error(`reading a cancelled order's refund failed: ${error.code}`);
  if (data === null) return false;
  const refund = RefundRow.parse(data);
  const payment = await paymentById(service, refund.payment_id);
  if (!payment) return false;
  try {
    await sendReservedRefund(service, payment, refund);
  } catch (error) {
    log.warn("order_cancel_refund_deferred", { orderId, refundId: refund.id, error });
  }
  return true;
}
