// The local, no-account payment provider: Razorpay-shaped orders, payments and
// signatures under a public sandbox secret, so the whole booking-and-payment flow runs in
// `npm run dev` and in tests, through the same code paths as Razorpay. It holds no state: a
// sandbox payment id carries its order, amount, currency and outcome, sealed by an HMAC, so the
// server "fetches" a payment by checking and reading its id. It runs only on the local stack
// (BASTION_LOCAL_STACK=1): anywhere else its public secret would let anyone sign a payment.
import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import { localStackEnabled } from "../../env.js";
import { ApiError } from "../../http/errors.js";
import type { OrderProvider, ProviderPayment } from "./types.js";

/** Public on purpose: the sandbox moves no money. */
export const SANDBOX_SECRET = "bastion-sandbox-secret-not-for-money";
export const SANDBOX_KEY_ID = "rzp_test_bastion_sandbox";

const hmac = (text: string) => createHmac("sha256", SANDBOX_SECRET).update(text).digest("hex");

function equalHex(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

/** Razorpay's checkout signature: HMAC-SHA256 of `orderId|paymentId`. */
export const sandboxCheckoutSignature = (orderId: string, paymentId: string) =>
  hmac(`${orderId}|${paymentId}`);

/** Razorpay's webhook signature: HMAC-SHA256 of the raw body. */
export const sandboxWebhookSignature = (rawBody: string) => hmac(rawBody);

export function sandboxWebhookSignatureValid(rawBody: string, signature: string): boolean {
  return equalHex(sandboxWebhookSignature(rawBody), signature);
}

/** What the sandbox pay page decided; the id is all the state there is. */
export function sandboxPaymentId(payment: Omit<ProviderPayment, "id">): string {
  const body = Buffer.from(
    JSON.stringify([payment.orderId, payment.amountMinor, payment.currency, payment.status]),
  ).toString("base64url");
  return `pay_sbx_${body}_${hmac(body).slice(0, 32)}`;
}

function readPaymentId(id: string): ProviderPayment {
  const match = /^pay_sbx_([A-Za-z0-9_-]+)_([0-9a-f]{32})$/.exec(id);
  if (!match?.[1] || !match[2] || !equalHex(hmac(match[1]).slice(0, 32), match[2])) {
    throw new ApiError("payment_verification_failed", "This is not a sandbox payment.");
  }
  const [orderId, amountMinor, currency, status] = JSON.parse(
    Buffer.from(match[1], "base64url").toString("utf8"),
  ) as [string, number, string, ProviderPayment["status"]];
  return { id, orderId, amountMinor, currency, status };
}

export function sandboxProvider(): OrderProvider {
  if (!localStackEnabled()) {
    throw new ApiError(
      "provider_not_configured",
      "Payments are not configured on this server: set the Razorpay or Stripe keys.",
    );
  }
  return {
    name: "sandbox",
    keyId: SANDBOX_KEY_ID,
    async createOrder() {
      return { orderId: `order_sbx_${randomBytes(10).toString("hex")}` };
    },
    checkoutSignatureValid(orderId, paymentId, signature) {
      return equalHex(sandboxCheckoutSignature(orderId, paymentId), signature);
    },
    async fetchPayment(providerPaymentId) {
      return readPaymentId(providerPaymentId);
    },
    // The sandbox keeps no record of payments (their ids are the record), so it has nothing to
    // reconcile: its pay page always delivers the webhook.
    async capturedPaymentOf() {
      return undefined;
    },
    async refund(_providerPaymentId, _amountMinor, idempotencyKey) {
      return { id: `rfnd_sbx_${hmac(idempotencyKey).slice(0, 14)}`, status: "succeeded" };
    },
  };
}
