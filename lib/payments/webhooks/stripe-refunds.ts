// Refunds and disputes Stripe reports, including those made in its dashboard, flowing into the
// ledger. A refund event is only a nudge: the refunds are listed from Stripe as they are now, so
// charge.refunded, refund.created and refund.updated arriving in any order, or twice, record each
// refund once (the ledger keys it by Stripe's refund id). Refunds we asked for carry our key in
// their metadata; those Stripe was still paying out when it answered are settled here: paid
// back, or failed (which frees their amount to be refunded again).
import type { SupabaseClient } from "@supabase/supabase-js";
import { log } from "../../log.js";
import {
  failProviderRefund,
  paymentByOrder,
  recordDispute,
  recordProviderRefund,
} from "../ledger/ledger.js";
import type { PaymentRow } from "../payment-row.js";
import { listRefunds, refundStatus } from "../providers/stripe.js";
import { LEDGER_REFUND_KEY } from "../providers/types.js";
import { reconcileIntent } from "../reconcile-intent.js";

export async function recordStripeRefunds(
  service: SupabaseClient,
  intentId: string,
): Promise<string> {
  const payment = await capturedPayment(service, intentId);
  if (!payment) return "ignored: unknown payment";
  const refunds = await listRefunds(intentId);
  let fromDashboard = 0;
  let oursFailed = 0;
  for (const refund of refunds) {
    const ours = Boolean(refund.metadata?.[LEDGER_REFUND_KEY]);
    const status = refundStatus(refund.status);
    if (status === "succeeded") {
      await recordProviderRefund(service, {
        provider: "stripe",
        providerPaymentId: intentId,
        providerRefundId: refund.id,
        amountMinor: refund.amount,
        reason: ours
          ? "Paid back by Stripe"
          : `Refunded in Stripe (${refund.reason ?? "no reason given"})`,
      });
      if (!ours) fromDashboard += 1;
    } else if (status === "failed" && ours) {
      log.error("stripe_refund_failed", { paymentId: payment.id, refundId: refund.id });
      await failProviderRefund(service, {
        provider: "stripe",
        providerPaymentId: intentId,
        providerRefundId: refund.id,
      });
      oursFailed += 1;
    }
  }
  return `dashboard refunds: ${fromDashboard}${oursFailed > 0 ? `; ours failed: ${oursFailed}` : ""}`;
}

/**
 * The intent's payment once captured. A refund event can overtake the success event; then the
 * intent is reconciled first, so the refund applies to a captured payment and never goes back.
 */
async function capturedPayment(
  service: SupabaseClient,
  intentId: string,
): Promise<PaymentRow | undefined> {
  const payment = await paymentByOrder(service, "stripe", intentId);
  if (payment?.captured_at) return payment;
  const reconciled = await reconcileIntent(service, intentId);
  return reconciled?.payment.captured_at ? reconciled.payment : undefined;
}

export interface StripeDispute {
  id: string;
  paymentIntentId: string;
  amountMinor: number;
  currency: string;
  reason: string;
  status: string;
}

/**
 * Recorded in the ledger's payment_disputes beside the payment (later events of the same dispute
 * update its status); the log line tells staff to answer it in Stripe's dashboard in time.
 */
export async function recordStripeDispute(
  service: SupabaseClient,
  dispute: StripeDispute,
): Promise<string> {
  const payment = await paymentByOrder(service, "stripe", dispute.paymentIntentId);
  if (!payment) return "ignored: unknown payment";
  await recordDispute(service, {
    provider: "stripe",
    providerPaymentId: dispute.paymentIntentId,
    providerDisputeId: dispute.id,
    status: dispute.status,
    reason: dispute.reason,
    amountMinor: dispute.amountMinor,
    currency: dispute.currency.toUpperCase(),
  });
  log.warn("payment_disputed", {
    paymentId: payment.id,
    disputeId: dispute.id,
    status: dispute.status,
    reason: dispute.reason,
  });
  return `dispute: ${dispute.status}, ${dispute.reason}, ${dispute.amountMinor} ${dispute.currency.toUpperCase()} (${dispute.id})`;
}
