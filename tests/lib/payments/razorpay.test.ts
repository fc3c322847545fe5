// The Razorpay adapter with the real SDK against a network-level fake of Razorpay's API: what it
// sends (Basic auth, amounts in paise, our payment id as the receipt), how it reads a payment,
// refunds that a retry never makes twice, Razorpay's refusals kept from the caller, and signatures
// by Razorpay's scheme exactly as the SDK's own helpers check them.
import { createHmac, randomUUID } from "node:crypto";
import Razorpay from "razorpay";
import { validatePaymentVerification } from "razorpay/dist/utils/razorpay-utils.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ApiError } from "../../../lib/http/errors.js";
import {
  razorpayProvider,
  razorpayWebhookSignatureValid,
} from "../../../lib/payments/providers/razorpay.js";
import { orderProvider } from "../../../lib/payments/providers/registry.js";
import { LEDGER_REFUND_KEY } from "../../../lib/payments/providers/types.js";
import { type FakeRazorpay, startFakeRazorpay } from "../../helpers/fake-razorpay.js";

const KEY_ID = "rzp_test_bastion_fake";
const KEY_SECRET = "fake-razorpay-key-secret";
const WEBHOOK_SECRET = "fake-razorpay-webhook-secret";

let fake: FakeRazorpay;
beforeAll(async () => {
  fake = await startFakeRazorpay(KEY_ID, KEY_SECRET);
  // Read once per process, like a cold start: set before the first call reads it.
  Object.assign(process.env, {
    RAZORPAY_KEY_ID: KEY_ID,
    RAZORPAY_KEY_SECRET: KEY_SECRET,
    RAZORPAY_WEBHOOK_SECRET: WEBHOOK_SECRET,
    RAZORPAY_API_URL: fake.url,
  });
});
afterAll(async () => {
  await fake?.close();
});

const hmac = (secret: string, message: string) =>
  createHmac("sha256", secret).update(message).digest("hex");

async function rejection(promise: Promise<unknown>): Promise<ApiError> {
  const error = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(ApiError);
  return error as ApiError;
}

async function paidOrder(amountMinor = 250000) {
  const { orderId } = await razorpayProvider().createOrder({
    receipt: randomUUID(),
    amountMinor,
    currency: "INR",
  });
  return fake.pay(orderId);
}

describe("the Razorpay provider", () => {
  it("serves the order checkout once its keys are set, creating orders for our amount and receipt", async () => {
    const provider = await orderProvider();
    expect(provider).toMatchObject({ name: "razorpay", keyId: KEY_ID });
    const receipt = randomUUID();
    const { orderId } = await provider.createOrder({
      receipt,
      amountMinor: 250000,
      currency: "INR",
    });
    expect(orderId).toMatch(/^order_/);
    expect(fake.requests.at(-1)).toEqual({
      method: "POST",
      path: "/v1/orders",
      body: { amount: 250000, currency: "INR", receipt },
      authorized: true,
    });
  });

  it("reports a payment as Razorpay has it, and refuses ids Razorpay does not know", async () => {
    const paid = await paidOrder(11000);
    expect(await razorpayProvider().fetchPayment(paid.id)).toEqual({
      id: paid.id,
      orderId: paid.order_id,
      status: "captured",
      amountMinor: 11000,
      currency: "INR",
    });
    const unknown = await rejection(razorpayProvider().fetchPayment("pay_0000000000000"));
    expect(unknown.code).toBe("payment_verification_failed");
    const sent = fake.requests.length;
    const traversal = await rejection(razorpayProvider().fetchPayment("pay_1/../../orders"));
    expect(traversal.code).toBe("payment_verification_failed");
    expect(fake.requests).toHaveLength(sent);
  });

  it("refunds once per key, however often and however concurrently it is asked", async () => {
    const paid = await paidOrder();
    const provider = razorpayProvider();
    const first = await provider.refund(paid.id, 1000, "refund-a");
    expect(await provider.refund(paid.id, 1000, "refund-a")).toEqual(first);
    expect(first.status).toBe("succeeded");

    const raced = await Promise.all([
      provider.refund(paid.id, paid.amount - 1000, "refund-b"),
      provider.refund(paid.id, paid.amount - 1000, "refund-b"),
    ]);
    expect(raced[1]).toEqual(raced[0]);
    expect(raced[0].id).not.toBe(first.id);
    expect(fake.payment(paid.id)).toMatchObject({
      status: "refunded",
      amount_refunded: paid.amount,
    });
    const made = fake.requests.filter(
      (r) => r.method === "POST" && r.path === `/v1/payments/${paid.id}/refund`,
    );
    expect(made[0]?.body).toEqual({ amount: 1000, notes: { [LEDGER_REFUND_KEY]: "refund-a" } });
  });

  it("answers provider_error, without Razorpay's own words, when Razorpay refuses", async () => {
    const paid = await paidOrder();
    const error = await rejection(razorpayProvider().refund(paid.id, paid.amount + 1, "too-much"));
    expect(error.code).toBe("provider_error");
    expect(error.message).not.toMatch(/greater|captured/i);
  });
});

describe("Razorpay's signatures", () => {
  it("accepts the checkout signature the SDK accepts, and not one character changed or added", () => {
    const provider = razorpayProvider();
    const [orderId, paymentId] = ["order_0123456789abcd", "pay_0123456789abcd"];
    const signature = hmac(KEY_SECRET, `${orderId}|${paymentId}`);
    expect(
      validatePaymentVerification(
        { order_id: orderId, payment_id: paymentId },
        signature,
        KEY_SECRET,
      ),
    ).toBe(true);
    expect(provider.checkoutSignatureValid(orderId, paymentId, signature)).toBe(true);
    const changed = `${signature.slice(0, -1)}${signature.endsWith("0") ? "1" : "0"}`;
    expect(provider.checkoutSignatureValid(orderId, paymentId, changed)).toBe(false);
    expect(provider.checkoutSignatureValid(orderId, paymentId, `${signature}0`)).toBe(false);
    expect(provider.checkoutSignatureValid(orderId, "pay_other", signature)).toBe(false);
  });

  it("accepts the webhook signature the SDK accepts, over the exact raw body only", () => {
    const raw = JSON.stringify({ event: "payment.captured", payload: {} });
    const signature = hmac(WEBHOOK_SECRET, raw);
    expect(Razorpay.validateWebhookSignature(raw, signature, WEBHOOK_SECRET)).toBe(true);
    expect(razorpayWebhookSignatureValid(raw, signature)).toBe(true);
    const reserialized = JSON.stringify(JSON.parse(raw), null, 2);
    expect(razorpayWebhookSignatureValid(reserialized, signature)).toBe(false);
    expect(razorpayWebhookSignatureValid(raw, hmac(KEY_SECRET, raw))).toBe(false);
  });
});
