// The payments ledger, written only by the server through the service role (see the header of
// supabase/migrations/20261121000500_payments.sql). Each call is one database function, one
// transaction; this module only names the arguments and checks the answers.
import type { SupabaseClient } from "@supabase/supabase-js";
import * as z from "zod";
import { rpcCaller } from "../../db/rpc.js";
import { PaymentRow } from "../payment-row.js";
import type { ProviderName } from "../providers/types.js";
import { throwLedgerError } from "./ledger-errors.js";

/** Each ledger function's refusals (PT404, PT409, BKAMT, BKRFD) answer as ApiErrors. */
const call = rpcCaller(throwLedgerError);

export interface NewPayment {
  /** The signed-in payer, or null for a guest. */
  userId: string | null;
  /** A guest paying for a hold: the hash of the manage token it presented. */
  manageTokenHash: string | null;
  provider: ProviderName;
  /** Pay for this hold (the amount is the hold's), or for a session from the catalogue. */
  bookingId: string | null;
  sessionType: string | null;
  /** Null: the session type's default format (ledger_open_payment). */
  format: string | null;
  currency: string;
}

export function createPayment(service: SupabaseClient, payment: NewPayment): Promise<PaymentRow> {
  return call(
    service,
    "ledger_open_payment",
    {
      p_user_id: payment.userId,
      p_manage_token_hash: payment.manageTokenHash,
      p_provider: payment.provider,
      p_booking_id: payment.bookingId,
      p_session_type_slug: payment.sessionType,
      p_format: payment.format,
      p_currency: payment.currency,
    },
    PaymentRow,
  );
}

export function attachOrder(
  service: SupabaseClient,
  paymentId: string,
  providerOrderId: string,
): Promise<PaymentRow> {
  return call(
    service,
    "ledger_attach_order",
    { p_payment_id: paymentId, p_provider_order_id: providerOrderId },
    PaymentRow,
  );
}

export const CaptureOutcome = z.object({
  payment: PaymentRow,
  /** This call moved the payment to captured (false: it already was). */
  newly_captured: z.boolean(),
  /** What must go back because the booking could not take the payment. */
  refund_due_minor: z.coerce.number().int(),
  booking_status: z.string().nullable(),
});
export type CaptureOutcome = z.infer<typeof CaptureOutcome>;

export interface VerifiedCapture {
  provider: ProviderName;
  providerOrderId: string;
  providerPaymentId: string;
  amountMinor: number;
  currency: string;
}

export function recordCapture(
  service: SupabaseClient,
  capture: VerifiedCapture,
): Promise<CaptureOutcome> {
  return call(
    service,
    "ledger_record_capture",
    {
      p_provider: capture.provider,
      p_provider_order_id: capture.providerOrderId,
      p_provider_payment_id: capture.providerPaymentId,
      p_amount_minor: capture.amountMinor,
      p_currency: capture.currency,
    },
    CaptureOutcome,
  );
}

export function recordFailure(
  service: SupabaseClient,
  provider: ProviderName,
  providerOrderId: string,
  reason: string,
): Promise<PaymentRow> {
  return call(
    service,
    "ledger_record_failure",
    { p_provider: provider, p_provider_order_id: providerOrderId, p_reason: reason },
    PaymentRow,
  );
}

/** A payment that will never be paid, by our id (a Checkout session that expired unpaid). */
export function recordFailureById(
  service: SupabaseClient,
  paymentId: string,
  reason: string,
): Promise<PaymentRow> {
  return call(
    service,
    "ledger_record_failure_by_id",
    { p_payment_id: paymentId, p_reason: reason },
    PaymentRow,
  );
}

/** A refund of ours the provider reports failed: its amount may be refunded again. */
export async function failProviderRefund(
  service: SupabaseClient,
  refund: {
    provider: ProviderName;
    providerPaymentId: string;
    providerRefundId: string;
  },
): Promise<void> {
  await call(
    service,
    "ledger_fail_provider_refund",
    {
      p_provider: refund.provider,
      p_provider_payment_id: refund.providerPaymentId,
      p_provider_refund_id: refund.providerRefundId,
    },
    z.unknown(),
  );
}

/**
 * A refund the provider reports paid back: one made in its dashboard, or one of ours it had
 * still been paying out. Recorded once by the provider's refund id.
 */
export function recordProviderRefund(
  service: SupabaseClient,
  refund: {
    provider: ProviderName;
    providerPaymentId: string;
    providerRefundId: string;
    amountMinor: number;
    reason: string;
  },
): Promise<PaymentRow> {
  return call(
    service,
    "ledger_record_provider_refund",
    {
      p_provider: refund.provider,
      p_provider_payment_id: refund.providerPaymentId,
      p_provider_refund_id: refund.providerRefundId,
      p_amount_minor: refund.amountMinor,
      p_reason: refund.reason,
    },
    PaymentRow,
  );
}

export async function paymentById(
  service: SupabaseClient,
  id: string,
): Promise<PaymentRow | undefined> {
  const { data, error } = await service.from("payments").select("*").eq("id", id).maybeSingle();
  if (error) throwLedgerError(error, "reading a payment");
  return data === null ? undefined : PaymentRow.parse(data);
}

export async function paymentByOrder(
  service: SupabaseClient,
  provider: ProviderName,
  providerOrderId: string,
): Promise<PaymentRow | undefined> {
  const { data, error } = await service
    .from("payments")
    .select("*")
    .eq("provider", provider)
    .eq("provider_order_id", providerOrderId)
    .maybeSingle();
  if (error) throwLedgerError(error, "reading a payment");
  return data === null ? undefined : PaymentRow.parse(data);
}

/** A dispute (chargeback) the provider reports, recorded or updated by its id; PT404 if not ours. */
export async function recordDispute(
  service: SupabaseClient,
  dispute: {
    provider: ProviderName;
    providerPaymentId: string;
    providerDisputeId: string;
    status: string;
    reason: string | null;
    amountMinor: number;
    currency: string;
  },
): Promise<void> {
  await call(
    service,
    "ledger_record_dispute",
    {
      p_provider: dispute.provider,
      p_provider_payment_id: dispute.providerPaymentId,
      p_provider_dispute_id: dispute.providerDisputeId,
      p_status: dispute.status,
      p_reason: dispute.reason,
      p_amount_minor: dispute.amountMinor,
      p_currency: dispute.currency,
    },
    z.unknown(),
  );
}
