// A Stripe PaymentIntent, as Stripe reports it now, applied to the ledger: the one step that
// POST /api/payments/confirm, the webhook and Checkout share, so whichever comes first records the
// fact and the others find it done. It always works from an intent retrieved from Stripe — never
// from the client's word nor from an event's snapshot — so events that arrive late, twice or out
// of order all converge on Stripe's current state.
import type { SupabaseClient } from "@supabase/supabase-js";
import type Stripe from "stripe";
import * as z from "zod";
import { attachOrder, paymentById, paymentByOrder, recordFailure } from "./ledger/ledger.js";
import { settleCapture } from "./ledger/settle-capture.js";
import type { PaymentRow } from "./payment-row.js";
import { intentStatus, retrieveIntent } from "./providers/stripe.js";

export interface Reconciled {
  payment: PaymentRow;
  /** The booking's status, when the capture step reported it. */
  bookingStatus?: string | null;
  /** What happened, as the webhook inbox records it. */
  outcome: "captured" | "already captured" | "failed" | `ignored: ${string}` | `pending: ${string}`;
}

/**
 * The ledger's payment for an intent: by the intent id, or — for a Checkout payment, whose intent
 * Stripe creates only when the customer pays — by the payment id we put in the metadata (the
 * intent's, or `paymentIdHint` from its session), to which the intent is then attached.
 */
export async function paymentForIntent(
  service: SupabaseClient,
  intent: Stripe.PaymentIntent,
  paymentIdHint?: string,
): Promise<PaymentRow | undefined> {
  const attached = await paymentByOrder(service, "stripe", intent.id);
  if (attached) return attached;
  const id = z.uuid().safeParse(paymentIdHint ?? intent.metadata.payment_id);
  if (!id.success) return undefined;
  const payment = await paymentById(service, id.data);
  if (payment?.provider !== "stripe") return undefined;
  // Another caller may have attached this intent since the lookup above; any other is refused.
  if (payment.provider_order_id !== null && payment.provider_order_id !== intent.id) {
    return undefined;
  }
  return attachOrder(service, payment.id, intent.id);
}

export async function applyIntent(
  service: SupabaseClient,
  payment: PaymentRow,
  intent: Stripe.PaymentIntent,
): Promise<Reconciled> {
  switch (intentStatus(intent)) {
    case "captured": {
      const capture = await settleCapture(service, {
        provider: "stripe",
        providerOrderId: intent.id,
        providerPaymentId: intent.id,
        amountMinor: intent.amount_received,
        currency: intent.currency.toUpperCase(),
      });
      return {
        payment: capture.payment,
        bookingStatus: capture.booking_status,
        outcome: capture.newly_captured ? "captured" : "already captured",
      };
    }
    case "failed": {
      const failed = await recordFailure(service, "stripe", intent.id, failureReason(intent));
      // Only a payment not yet captured can fail; a later capture stays.
      return {
        payment: failed,
        outcome: failed.status === "failed" ? "failed" : `ignored: already ${failed.status}`,
      };
    }
    default:
      return { payment, outcome: `pending: ${intent.status}` };
  }
}

/** Retrieves the intent and applies it; undefined when no payment of ours is behind it. */
export async function reconcileIntent(
  service: SupabaseClient,
  intentId: string,
  paymentIdHint?: string,
): Promise<Reconciled | undefined> {
  const intent = await retrieveIntent(intentId);
  const payment = await paymentForIntent(service, intent, paymentIdHint);
  return payment && applyIntent(service, payment, intent);
}

/** Stripe's codes, never its message text (which is meant for the customer, in their language). */
function failureReason(intent: Stripe.PaymentIntent): string {
  if (intent.status === "canceled") return `canceled: ${intent.cancellation_reason ?? "unknown"}`;
  const error = intent.last_payment_error;
  return [error?.code ?? "payment_failed", error?.decline_code].filter(Boolean).join(": ");
}
