// Refunding a captured payment: reserve the amount in the ledger (it must fit in what is left),
// ask the provider with an idempotency key derived from ours, and record the answer. Retrying
// with the same key finds the same reservation and asks the provider the same question, so a
// crash between the steps never refunds twice.
import type { SupabaseClient } from "@supabase/supabase-js";
import * as z from "zod";
import { ApiError } from "../../http/errors.js";
import { log } from "../../log.js";
import type { PaymentRow } from "../payment-row.js";
import { paymentProvider } from "../providers/registry.js";
import type { ProviderRefund } from "../providers/types.js";
import { paymentById } from "./ledger.js";
import { throwLedgerError } from "./ledger-errors.js";

export const RefundRow = z.object({
  id: z.uuid(),
  payment_id: z.uuid(),
  provider_refund_id: z.string().nullable(),
  amount_minor: z.coerce.number().int(),
  status: z.enum(["pending", "succeeded", "failed"]),
  reason: z.string(),
  created_at: z.string(),
});
export type RefundRow = z.infer<typeof RefundRow>;

export interface RefundRequest {
  paymentId: string;
  amountMinor: number;
  reason: string;
  /** The staff member asking; null for the system (policy, late capture). */
  requestedBy: string | null;
  /** Same key, same refund: a client's Idempotency-Key, or a key naming the system's reason. */
  idempotencyKey: string;
}

export async function refundPayment(
  service: SupabaseClient,
  request: RefundRequest,
): Promise<RefundRow> {
  const reserved = await service.rpc("ledger_begin_refund", {
    p_payment_id: request.paymentId,
    p_amount_minor: request.amountMinor,
    p_reason: request.reason,
    p_requested_by: request.requestedBy,
    p_idempotency_key: request.idempotencyKey,
  });
  if (reserved.error) throwLedgerError(reserved.error, "reserving a refund");
  const refund = RefundRow.parse(reserved.data);
  if (refund.status !== "pending") return refund;
  const payment = await paymentById(service, request.paymentId);
  if (!payment) throw new Error(`refund ${refund.id}: no payment ${request.paymentId}`);
  return sendReservedRefund(service, payment, refund);
}

/**
 * Asks the provider for a refund the ledger reserved and records its answer. Every path that
 * refunds (a staff or shop refund, the settle sweep, a late capture) goes through here, so a
 * Stripe destination charge (a shop's payment, lib/shops/payments) is always refunded with its
 * transfer reversed and the platform's fee returned: the shop gives back what it received, never
 * the platform.
 */
export async function sendReservedRefund(
  service: SupabaseClient,
  payment: PaymentRow,
  refund: RefundRow,
): Promise<RefundRow> {
  if (refund.status !== "pending") return refund;
  // One caller at a time asks the provider (Razorpay takes no idempotency key); another finds
  // the refund pending and leaves it to the first, or to the sweep if the first dies.
  const claimed = await service.rpc("ledger_claim_refund", { p_refund_id: refund.id });
  if (claimed.error) throwLedgerError(claimed.error, "claiming a refund");
  if (claimed.data !== true) return refund;
  if (!payment.provider_payment_id) {
    throw new Error(`refund ${refund.id}: the payment has no provider payment id`);
  }
  let answer: ProviderRefund;
  try {
    const provider = await paymentProvider(payment.provider);
    answer = await provider.refund(
      payment.provider_payment_id,
      refund.amount_minor,
      `refund-${refund.id}`,
      { reverseTransfer: Boolean(payment.transfer_destination) },
    );
  } catch (error) {
    // Left pending: the provider may or may not have it. The reconciliation sweep asks again
    // with the same idempotency key once the claim lapses.
    log.error("refund_provider_failed", { refundId: refund.id, error });
    throw new ApiError(
      "provider_error",
      "The refund could not be sent to the provider; it will be retried.",
    );
  }
  const settled = await service.rpc("ledger_settle_refund", {
    p_refund_id: refund.id,
    p_provider_refund_id: answer.id,
    // null: the provider is paying it out; its webhook settles it.
    p_succeeded: answer.status === "pending" ? null : answer.status === "succeeded",
  });
  if (settled.error) throwLedgerError(settled.error, "settling a refund");
  return RefundRow.parse(settled.data);
}
