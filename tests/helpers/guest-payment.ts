// A guest paying through the sandbox checkout the way the therapy spec's SPA does: create-order
// with no account and no Idempotency-Key, the checkout's answer, then verify.
import { expect } from "vitest";
import {
  sandboxCheckoutSignature,
  sandboxPaymentId,
} from "../../lib/payments/providers/sandbox.js";
import type { TestApi } from "./api.js";
import { expectJson, post } from "./requests.js";

export interface Order {
  orderId: string;
  amount: number;
  currency: string;
  keyId: string;
  paymentId: string;
}

/** create-order as the spec sends it (no account, no Idempotency-Key), then the checkout. */
export async function payAsGuest(
  api: TestApi,
  body: Record<string, unknown> = { sessionType: "individual", format: "video" },
  headers: Record<string, string> = {},
) {
  const order = await expectJson<Order>(
    await post(api, "/api/payments/create-order", body, { headers }),
    201,
  );
  expect(order).toMatchObject({ amount: 250000, currency: "INR", keyId: expect.any(String) });
  const providerPaymentId = sandboxPaymentId({
    orderId: order.orderId,
    amountMinor: order.amount,
    currency: order.currency,
    status: "captured",
  });
  const verified = await expectJson<{ verified: boolean; providerPaymentId: string }>(
    await post(api, "/api/payments/verify", {
      razorpay_order_id: order.orderId,
      razorpay_payment_id: providerPaymentId,
      razorpay_signature: sandboxCheckoutSignature(order.orderId, providerPaymentId),
    }),
    200,
  );
  expect(verified).toMatchObject({ verified: true, providerPaymentId });
  return { order, providerPaymentId };
}

export async function paymentRow(api: TestApi, id: string) {
  const { rows } = await api.supabase.db.query<{
    status: string;
    booking_id: string | null;
    refunded_minor: string;
  }>("select status, booking_id::text, refunded_minor::text from public.payments where id = $1", [
    id,
  ]);
  return rows[0];
}
