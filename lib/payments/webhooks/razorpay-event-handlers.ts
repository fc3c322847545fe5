// What each kind of Razorpay-shaped event does to the ledger (razorpay-events.ts says which kind
// an event type is, and has already found the order ours). Payments and refunds are re-fetched
// from the provider rather than read from the event, so the ledger follows the provider's record.
import type { SupabaseClient } from "@supabase/supabase-js";
import { log } from "../../log.js";
import {
  type CaptureOutcome,
  failProviderRefund,
  recordCapture,
  recordDispute,
  recordFailure,
  recordProviderRefund,
  type VerifiedCapture,
} from "../ledger/ledger.js";
import { settleCapture } from "../ledger/settle-capture.js";
import { paymentProvider } from "../providers/registry.js";
import type { OrderProvider, ProviderPayment } from "../providers/types.js";
import type { EventFacts } from "./razorpay-event-facts.js";

type OrderProviderName = OrderProvider["name"];

/** As the provider reports the payment now: captured (the hold confirmed), or failed. */
export async function applyPayment(
  service: SupabaseClient,
  name: OrderProviderName,
  paymentId: string,
  failureReason: string | undefined,
): Promise<string> {
  const payment = await (await paymentProvider(name)).fetchPayment(paymentId);
  switch (payment.status) {
    case "captured":
      return describeCapture(await settleCapture(service, verifiedCapture(name, payment)));
    case "refunded": {
      // Captured, then refunded in full: nothing more can go back, whatever the booking; the
      // refund's own event records the refund.
      const { newly_captured } = await recordCapture(service, verifiedCapture(name, payment));
      return `${newly_captured ? "captured" : "already captured"}, refunded at the provider`;
    }
    case "failed": {
      const reason = failureReason ?? "The provider reported the payment failed";
      const row = await recordFailure(service, name, payment.orderId, reason);
      // Only a payment not yet captured can fail; a later capture stays.
      return row.status === "failed" ? "failed" : `ignored: already ${row.status}`;
    }
    default:
      return `pending: ${payment.status}`;
  }
}

/**
 * A refund paid back: one of ours the provider was still paying out (it settles), or one made in
 * the provider's dashboard (it flows into the ledger).
 */
export async function applyRefund(
  service: SupabaseClient,
  name: OrderProviderName,
  refund: NonNullable<EventFacts["refund"]>,
): Promise<string> {
  // refund.created also comes for a refund still being paid out; refund.processed follows it.
  if (refund.status !== "processed") return `ignored: the refund is ${refund.status}`;
  if (refund.ledgerKey !== undefined) {
    await recordProviderRefund(service, {
      provider: name,
      providerPaymentId: refund.paymentId,
      providerRefundId: refund.id,
      amountMinor: refund.amountMinor,
      reason: "Paid back by the provider",
    });
    return `our refund ${refund.id} paid back`;
  }
  const payment = await (await paymentProvider(name)).fetchPayment(refund.paymentId);
  if (payment.status !== "captured" && payment.status !== "refunded") {
    throw new Error(`refund ${refund.id} is of a payment that is ${payment.status}`);
  }
  // The capture first, as its own event may not have come yet — without refunding what its
  // booking cannot take, since this refund may be that money: it is counted before anything
  // more goes back.
  const capture = verifiedCapture(name, payment);
  const captured = await recordCapture(service, capture);
  await recordProviderRefund(service, {
    provider: name,
    providerPaymentId: payment.id,
    providerRefundId: refund.id,
    amountMinor: refund.amountMinor,
    reason: "Refunded in the provider's dashboard",
  });
  const recorded = `refund ${refund.id} recorded`;
  if (captured.refund_due_minor === 0) return recorded;
  return `${recorded}; ${describeCapture(await settleCapture(service, capture))}`;
}

/** Ours failed: its amount is free to be refunded again (a dashboard refund was never counted). */
export async function refundFailed(
  service: SupabaseClient,
  name: OrderProviderName,
  refund: NonNullable<EventFacts["refund"]>,
): Promise<string> {
  if (refund.ledgerKey === undefined) return "ignored: a dashboard refund that failed";
  log.error("provider_refund_failed", { provider: name, refundId: refund.id });
  await failProviderRefund(service, {
    provider: name,
    providerPaymentId: refund.paymentId,
    providerRefundId: refund.id,
  });
  return `our refund ${refund.id} failed at the provider`;
}

/**
 * Recorded in the ledger's payment_disputes beside the payment (each later event of the same
 * dispute updates its status); the log line tells staff to answer it in the provider's
 * dashboard before the deadline.
 */
export async function disputed(
  service: SupabaseClient,
  name: OrderProviderName,
  type: string,
  paymentId: string | undefined,
  dispute: NonNullable<EventFacts["dispute"]>,
): Promise<string> {
  const state = type.slice("payment.dispute.".length);
  const reason = dispute.reasonCode ?? "no reason code";
  log.warn("payment_disputed", { provider: name, disputeId: dispute.id, state, reason });
  if (paymentId) {
    await recordDispute(service, {
      provider: name,
      providerPaymentId: paymentId,
      providerDisputeId: dispute.id,
      status: state,
      reason: dispute.reasonCode ?? null,
      amountMinor: dispute.amountMinor,
      currency: dispute.currency,
    });
  }
  return `dispute: ${state}, ${reason}, ${dispute.amountMinor} ${dispute.currency} (${dispute.id})`;
}

function verifiedCapture(name: OrderProviderName, payment: ProviderPayment): VerifiedCapture {
  return {
    provider: name,
    providerOrderId: payment.orderId,
    providerPaymentId: payment.id,
    amountMinor: payment.amountMinor,
    currency: payment.currency,
  };
}

function describeCapture(outcome: CaptureOutcome): string {
  const capture = outcome.newly_captured ? "captured" : "already captured";
  if (outcome.refund_due_minor === 0) return capture;
  return `${capture}; ${outcome.refund_due_minor} refunded (booking ${outcome.booking_status})`;
}
