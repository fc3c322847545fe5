// The payments sweep (GET /api/cron/settle-payments from Vercel Cron, POST from the database's
// pg_cron job). Everything the request paths leave unfinished is finished here, each step
// idempotent, so a run that dies half-way is simply run again:
// - webhook events stored but not processed (our error, not the provider's) are processed again,
//   at most MAX_EVENT_ATTEMPTS times each;
// - refunds owed by cancelled paid bookings are asked of the provider, under a key per booking
//   and attempt (supabase/migrations/20261121000500_payments.sql, ledger_refunds_owed); the
//   database also asks for this step alone the moment such a cancellation commits
//   (settleOwedRefunds, via bookings_request_refund in
//   20261121000800_database_webhooks_and_schedules.sql);
// - refunds left pending (the provider did not answer) are asked again under their own key, so
//   the provider answers with the same refund instead of making a second;
// - reconciliation: recent payments still unpaid in the ledger are looked up at the provider, and
//   a capture that no webhook or verify reported (a missed delivery) is recorded, confirming its
//   hold or refunding it like any other late capture.
import type { SupabaseClient } from "@supabase/supabase-js";
import * as z from "zod";
import { log } from "../log.js";
import { type RefundRequest, refundPayment } from "../payments/ledger/refund-payment.js";
import { settleCapture } from "../payments/ledger/settle-capture.js";
import { paymentProvider } from "../payments/providers/registry.js";
import { unprocessedEvents } from "../payments/webhooks/inbox.js";
import { processStored } from "../payments/webhooks/receive.js";
import { webhookSource } from "../payments/webhooks/sources.js";

const MAX_EVENT_ATTEMPTS = 10;
/** How far back reconciliation looks: longer than any provider retries its webhooks. */
const RECONCILE_WINDOW_MS = 72 * 3_600_000;
const BATCH = 50;
/** Younger events and refunds may still be in the hands of the request that made them. */
const GRACE_MS = 60_000;

export const PaymentsSweep = z
  .object({
    eventsProcessed: z.number().int(),
    eventsFailed: z.number().int(),
    refundsRequested: z.number().int(),
    refundsFailed: z.number().int(),
    /** Captures found at the provider that the ledger had missed. */
    reconciled: z.number().int(),
  })
  .meta({ id: "PaymentsSweep" });
export type PaymentsSweep = z.infer<typeof PaymentsSweep>;

const OwedRefund = z.object({
  booking_id: z.uuid(),
  payment_id: z.uuid(),
  amount_minor: z.coerce.number().int(),
  attempt: z.coerce.number().int(),
});

const PendingRefund = z.object({
  payment_id: z.uuid(),
  amount_minor: z.coerce.number().int(),
  reason: z.string(),
  idempotency_key: z.string(),
});

type SweepRefund = Omit<RefundRequest, "requestedBy">;

const emptySweep = (): PaymentsSweep => ({
  eventsProcessed: 0,
  eventsFailed: 0,
  refundsRequested: 0,
  refundsFailed: 0,
  reconciled: 0,
});

export async function settlePayments(
  service: SupabaseClient,
  now = new Date(),
): Promise<PaymentsSweep> {
  const before = new Date(now.getTime() - GRACE_MS);
  const sweep = emptySweep();

  for (const event of await unprocessedEvents(service, MAX_EVENT_ATTEMPTS, BATCH, before)) {
    const processed = await processStored(
      service,
      await webhookSource(event.provider),
      event.id,
      { id: event.event_id, type: event.event_type, payload: event.payload },
      event.attempts,
    );
    sweep[processed ? "eventsProcessed" : "eventsFailed"] += 1;
  }

  await requestRefunds(
    service,
    [
      ...(await owedRefunds(service)),
      ...(await pendingRefunds(service, before)).map((pending) => ({
        paymentId: pending.payment_id,
        amountMinor: pending.amount_minor,
        reason: pending.reason,
        idempotencyKey: pending.idempotency_key,
      })),
    ],
    sweep,
  );
  for (const payment of await unpaidPayments(
    service,
    new Date(now.getTime() - RECONCILE_WINDOW_MS),
    before,
  )) {
    if (await reconcilePayment(service, payment)) sweep.reconciled += 1;
  }
  return sweep;
}

/**
 * The sweep for one payment, now (POST /api/admin/operations/payments/{id}/settle): the refund
 * its cancelled booking is owed, its refunds left pending, and, while the ledger has it unpaid,
 * its capture looked up at the provider. The same steps as the sweep's, each idempotent.
 */
export async function settlePayment(
  service: SupabaseClient,
  paymentId: string,
): Promise<PaymentsSweep> {
  const sweep = emptySweep();
  const pending = (await pendingRefunds(service, new Date(), paymentId)).map((refund) => ({
    paymentId: refund.payment_id,
    amountMinor: refund.amount_minor,
    reason: refund.reason,
    idempotencyKey: refund.idempotency_key,
  }));
  const owed = await owedRefunds(service, paymentId);
  await requestRefunds(service, [...owed, ...pending], sweep);
  const { data, error } = await service
    .from("payments")
    .select("id, provider, provider_order_id")
    .eq("id", paymentId)
    .in("status", ["created", "authorized", "failed"])
    .not("provider_order_id", "is", null);
  if (error) throw new Error(`reading a payment failed: ${error.code} ${error.message}`);
  for (const payment of z.array(UnpaidPayment).parse(data)) {
    if (await reconcilePayment(service, payment)) sweep.reconciled += 1;
  }
  return sweep;
}

/** A capture no webhook or verify reported, recorded from the provider's answer. */
async function reconcilePayment(
  service: SupabaseClient,
  payment: z.infer<typeof UnpaidPayment>,
): Promise<boolean> {
  try {
    const provider = await paymentProvider(payment.provider);
    const captured = await provider.capturedPaymentOf(payment.provider_order_id);
    if (!captured) return false;
    await settleCapture(service, {
      provider: payment.provider,
      providerOrderId: payment.provider_order_id,
      providerPaymentId: captured.id,
      amountMinor: captured.amountMinor,
      currency: captured.currency,
    });
    return true;
  } catch (error) {
    log.error("reconciliation_failed", { paymentId: payment.id, error });
    return false;
  }
}

/** Only the refunds cancelled paid bookings are owed: what the database asks for on a cancel. */
export async function settleOwedRefunds(service: SupabaseClient): Promise<PaymentsSweep> {
  const sweep = emptySweep();
  await requestRefunds(service, await owedRefunds(service), sweep);
  return sweep;
}

async function requestRefunds(
  service: SupabaseClient,
  refunds: SweepRefund[],
  sweep: PaymentsSweep,
): Promise<void> {
  for (const refund of refunds) {
    try {
      await refundPayment(service, { ...refund, requestedBy: null });
      sweep.refundsRequested += 1;
    } catch (error) {
      log.error("refund_sweep_failed", { paymentId: refund.paymentId, error });
      sweep.refundsFailed += 1;
    }
  }
}

const UnpaidPayment = z.object({
  id: z.uuid(),
  provider: z.enum(["razorpay", "stripe", "sandbox"]),
  provider_order_id: z.string(),
});

async function unpaidPayments(service: SupabaseClient, createdAfter: Date, createdBefore: Date) {
  const { data, error } = await service
    .from("payments")
    .select("id, provider, provider_order_id")
    .in("status", ["created", "authorized", "failed"])
    .not("provider_order_id", "is", null)
    .gt("created_at", createdAfter.toISOString())
    .lt("created_at", createdBefore.toISOString())
    .order("created_at")
    .limit(BATCH);
  if (error) throw new Error(`reading unpaid payments failed: ${error.code} ${error.message}`);
  return z.array(UnpaidPayment).parse(data);
}

async function owedRefunds(service: SupabaseClient, paymentId?: string): Promise<SweepRefund[]> {
  const { data, error } = await service.rpc("ledger_refunds_owed");
  if (error) throw new Error(`reading owed refunds failed: ${error.code} ${error.message}`);
  return z
    .array(OwedRefund)
    .parse(data)
    .filter((owed) => paymentId === undefined || owed.payment_id === paymentId)
    .slice(0, BATCH)
    .map((owed) => ({
      paymentId: owed.payment_id,
      amountMinor: owed.amount_minor,
      reason: "Booking cancelled within the cancellation policy",
      idempotencyKey: `cancellation:${owed.booking_id}:${owed.attempt}`,
    }));
}

async function pendingRefunds(service: SupabaseClient, createdBefore: Date, paymentId?: string) {
  let query = service
    .from("refunds")
    .select("payment_id, amount_minor, reason, idempotency_key")
    .eq("status", "pending")
    .not("idempotency_key", "is", null)
    .lt("created_at", createdBefore.toISOString());
  if (paymentId !== undefined) query = query.eq("payment_id", paymentId);
  const { data, error } = await query.order("created_at").limit(BATCH);
  if (error) throw new Error(`reading pending refunds failed: ${error.code} ${error.message}`);
  return z.array(PendingRefund).parse(data);
}
