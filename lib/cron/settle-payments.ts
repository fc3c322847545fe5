// The payments sweep (vercel.json cron → GET /api/cron/settle-payments). Everything the request
// paths leave unfinished is finished here, each step idempotent, so a run that dies half-way is
// simply run again:
// - webhook events stored but not processed (our error, not the provider's) are processed again,
//   at most MAX_EVENT_ATTEMPTS times each;
// - refunds owed by cancelled paid bookings are asked of the provider, under a key per booking
//   and attempt (supabase/migrations/20261121000900_payments.sql, ledger_refunds_owed);
// - refunds left pending (the provider did not answer) are asked again under their own key, so
//   the provider answers with the same refund instead of making a second.
import { z } from "zod";
import { serviceClient } from "../db/service-client.js";
import { log } from "../log.js";
import { refundPayment } from "../payments/ledger/refund-payment.js";
import { unprocessedEvents } from "../payments/webhooks/inbox.js";
import { processStored } from "../payments/webhooks/receive.js";
import { webhookSource } from "../payments/webhooks/sources.js";

const MAX_EVENT_ATTEMPTS = 10;
const BATCH = 50;
/** Younger events and refunds may still be in the hands of the request that made them. */
const GRACE_MS = 60_000;

export const PaymentsSweep = z
  .object({
    eventsProcessed: z.number().int(),
    eventsFailed: z.number().int(),
    refundsRequested: z.number().int(),
    refundsFailed: z.number().int(),
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

export async function settlePayments(now = new Date()): Promise<PaymentsSweep> {
  const before = new Date(now.getTime() - GRACE_MS);
  const sweep: PaymentsSweep = {
    eventsProcessed: 0,
    eventsFailed: 0,
    refundsRequested: 0,
    refundsFailed: 0,
  };

  for (const event of await unprocessedEvents(MAX_EVENT_ATTEMPTS, BATCH, before)) {
    const processed = await processStored(
      await webhookSource(event.provider),
      event.id,
      { id: event.event_id, type: event.event_type, payload: event.payload },
      event.attempts,
    );
    sweep[processed ? "eventsProcessed" : "eventsFailed"] += 1;
  }

  const refunds = [
    ...(await owedRefunds()).map((owed) => ({
      paymentId: owed.payment_id,
      amountMinor: owed.amount_minor,
      reason: "Booking cancelled within the cancellation policy",
      idempotencyKey: `cancellation:${owed.booking_id}:${owed.attempt}`,
    })),
    ...(await pendingRefunds(before)).map((pending) => ({
      paymentId: pending.payment_id,
      amountMinor: pending.amount_minor,
      reason: pending.reason,
      idempotencyKey: pending.idempotency_key,
    })),
  ];
  for (const refund of refunds) {
    try {
      await refundPayment({ ...refund, requestedBy: null });
      sweep.refundsRequested += 1;
    } catch (error) {
      log.error("refund_sweep_failed", { paymentId: refund.paymentId, error });
      sweep.refundsFailed += 1;
    }
  }
  return sweep;
}

async function owedRefunds() {
  const { data, error } = await serviceClient().rpc("ledger_refunds_owed");
  if (error) throw new Error(`reading owed refunds failed: ${error.code} ${error.message}`);
  return z.array(OwedRefund).parse(data).slice(0, BATCH);
}

async function pendingRefunds(createdBefore: Date) {
  const { data, error } = await serviceClient()
    .from("refunds")
    .select("payment_id, amount_minor, reason, idempotency_key")
    .eq("status", "pending")
    .not("idempotency_key", "is", null)
    .lt("created_at", createdBefore.toISOString())
    .order("created_at")
    .limit(BATCH);
  if (error) throw new Error(`reading pending refunds failed: ${error.code} ${error.message}`);
  return z.array(PendingRefund).parse(data);
}
