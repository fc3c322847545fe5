// Sends a refund the ledger reserved for a shop payment to its provider and records the answer:
// the ledger's own steps (lib/payments/ledger/refund-payment.ts: one caller at a time claims it,
// the provider is asked under `refund-<refund id>`, the answer settles it), except that a
// destination charge is refunded with its transfer reversed and the platform's fee returned in
// proportion, so the shop gives back what it received. A failure leaves the refund pending for
// the settle-payments sweep.
import type { SupabaseClient } from "@supabase/supabase-js";
import { ApiError } from "../../http/errors.js";
import { log } from "../../log.js";
import { throwLedgerError } from "../../payments/ledger/ledger-errors.js";
import { RefundRow } from "../../payments/ledger/refund-payment.js";
import { paymentProvider } from "../../payments/providers/registry.js";
import { refundStatus } from "../../payments/providers/stripe.js";
import type { ProviderRefund } from "../../payments/providers/types.js";
import type { ShopPaymentRow } from "./shop-payment-row.js";
import { refundDestinationCharge } from "./stripe-connect.js";

export async function sendShopRefund(
  service: SupabaseClient,
  payment: ShopPaymentRow,
  refund: RefundRow,
): Promise<RefundRow> {
  if (refund.status !== "pending") return refund;
  const claimed = await service.rpc("ledger_claim_refund", { p_refund_id: refund.id });
  if (claimed.error) throwLedgerError(claimed.error, "claiming a refund");
  if (claimed.data !== true) return refund;
  if (payment.provider_payment_id === null) {
    throw new Error(`refund ${refund.id}: the payment has no provider payment id`);
  }
  const key = `refund-${refund.id}`;
  let answer: ProviderRefund;
  try {
    if (payment.provider === "stripe" && payment.transfer_destination !== null) {
      const made = await refundDestinationCharge(
        payment.provider_payment_id,
        refund.amount_minor,
        key,
      );
      answer = { id: made.id, status: refundStatus(made.status) };
    } else {
      const provider = await paymentProvider(payment.provider);
      answer = await provider.refund(payment.provider_payment_id, refund.amount_minor, key);
    }
  } catch (error) {
    log.error("refund_provider_failed", { refundId: refund.id, error });
    throw new ApiError(
      "provider_error",
      "The refund could not be sent to the provider; it will be retried.",
    );
  }
  const settled = await service.rpc("ledger_settle_refund", {
    p_refund_id: refund.id,
    p_provider_refund_id: answer.id,
    p_succeeded: answer.status === "pending" ? null : answer.status === "succeeded",
  });
  if (settled.error) throwLedgerError(settled.error, "settling a refund");
  return RefundRow.parse(settled.data);
}
