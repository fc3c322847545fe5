// Razorpay (the therapy SPA's checkout) behind the ledger's OrderProvider interface: orders the
// browser pays, the signature that proves a payment, the payment as Razorpay reports it, and
// refunds. Loading this module loads no SDK (razorpay-client.ts does, on the first call), and
// signatures need only node:crypto: the SDK's own checks compare with ===, not in constant time.
import { createHmac, timingSafeEqual } from "node:crypto";
import * as z from "zod";
import { requireConfig } from "../../env.js";
import { ApiError } from "../../http/errors.js";
import { razorpayRequest } from "./razorpay-client.js";
import {
  LEDGER_REFUND_KEY,
  type OrderProvider,
  type ProviderPayment,
  type ProviderRefund,
} from "./types.js";

/** Checked before an id goes into a request path (the SDK puts it there as it is). */
const PAYMENT_ID = /^pay_[A-Za-z0-9]{1,40}$/;
const ORDER_ID = /^order_[A-Za-z0-9]{1,40}$/;

/** Razorpay sends notes as an object, or as an empty array when there are none. */
export const RazorpayNotes = z.union([z.record(z.string(), z.unknown()), z.array(z.unknown())]);

const RazorpayPayment = z.object({
  id: z.string(),
  order_id: z.string().nullish(),
  status: z.enum(["created", "authorized", "captured", "refunded", "failed"]),
  amount: z.number().int(),
  currency: z.string(),
});

const RazorpayRefund = z.object({
  id: z.string(),
  status: z.enum(["pending", "processed", "failed"]),
  notes: RazorpayNotes.nullish(),
});

const unknownPayment = () =>
  new ApiError("payment_verification_failed", "Razorpay has no such payment for an order.");

export function razorpayProvider(): OrderProvider {
  const { RAZORPAY_KEY_ID, RAZORPAY_KEY_SECRET } = requireConfig(
    "Razorpay payments",
    "RAZORPAY_KEY_ID",
    "RAZORPAY_KEY_SECRET",
  );
  return {
    name: "razorpay",
    keyId: RAZORPAY_KEY_ID,
    async createOrder({ receipt, amountMinor, currency }) {
      const order = await razorpayRequest("orders.create", (razorpay) =>
        razorpay.orders.create({ amount: amountMinor, currency, receipt }),
      );
      return { orderId: z.object({ id: z.string() }).parse(order).id };
    },
    checkoutSignatureValid(orderId, paymentId, signature) {
      return signatureValid(RAZORPAY_KEY_SECRET, `${orderId}|${paymentId}`, signature);
    },
    async fetchPayment(paymentId) {
      if (!PAYMENT_ID.test(paymentId)) throw unknownPayment();
      const payment = RazorpayPayment.parse(
        await razorpayRequest(
          "payments.fetch",
          (razorpay) => razorpay.payments.fetch(paymentId),
          unknownPayment(),
        ),
      );
      if (!payment.order_id) throw unknownPayment();
      return providerPayment(payment, payment.order_id);
    },
    async capturedPaymentOf(orderId) {
      if (!ORDER_ID.test(orderId)) return undefined;
      const list = await razorpayRequest("orders.fetchPayments", (razorpay) =>
        razorpay.orders.fetchPayments(orderId),
      );
      const paid = z
        .object({ items: z.array(RazorpayPayment) })
        .parse(list)
        .items.find((payment) => payment.status === "captured" || payment.status === "refunded");
      return paid && providerPayment(paid, orderId);
    },
    // Razorpay takes no idempotency key for refunds: the key rides in the refund's notes, and a
    // retry looks for a refund carrying it before making one.
    async refund(paymentId, amountMinor, idempotencyKey) {
      const made = await refundCarrying(paymentId, idempotencyKey);
      if (made) return made;
      try {
        const refund = await razorpayRequest("payments.refund", (razorpay) =>
          razorpay.payments.refund(paymentId, {
            amount: amountMinor,
            notes: { [LEDGER_REFUND_KEY]: idempotencyKey },
          }),
        );
        return providerRefund(RazorpayRefund.parse(refund));
      } catch (error) {
        // An attempt with the same key that ran at the same moment may have made it (Razorpay
        // then refuses this one as more than is left to refund): that refund is the answer.
        const raced = await refundCarrying(paymentId, idempotencyKey);
        if (raced) return raced;
        throw error;
      }
    },
  };
}

/** X-Razorpay-Signature: HMAC-SHA256 of the raw body under the webhook secret (503 without it). */
export function razorpayWebhookSignatureValid(rawBody: string, signature: string): boolean {
  const { RAZORPAY_WEBHOOK_SECRET } = requireConfig("Razorpay webhooks", "RAZORPAY_WEBHOOK_SECRET");
  return signatureValid(RAZORPAY_WEBHOOK_SECRET, rawBody, signature);
}

/** Razorpay's scheme: hex HMAC-SHA256 of the message, compared in constant time. */
function signatureValid(secret: string, message: string, signature: string): boolean {
  const expected = Buffer.from(createHmac("sha256", secret).update(message).digest("hex"));
  const given = Buffer.from(signature);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** This payment's refund made with this key, if any (one page: a payment has far fewer than 100). */
async function refundCarrying(
  paymentId: string,
  idempotencyKey: string,
): Promise<ProviderRefund | undefined> {
  const list = await razorpayRequest("payments.fetchMultipleRefund", (razorpay) =>
    razorpay.payments.fetchMultipleRefund(paymentId, { count: 100 }),
  );
  const refund = z
    .object({ items: z.array(RazorpayRefund) })
    .parse(list)
    .items.find((item) => notesOf(item.notes)[LEDGER_REFUND_KEY] === idempotencyKey);
  return refund && providerRefund(refund);
}

/** The notes as an object (Razorpay's empty array, or none, is no notes). */
export function notesOf(notes: z.infer<typeof RazorpayNotes> | null | undefined) {
  return notes && !Array.isArray(notes) ? notes : {};
}

function providerPayment(
  payment: z.infer<typeof RazorpayPayment>,
  orderId: string,
): ProviderPayment {
  return {
    id: payment.id,
    orderId,
    status: payment.status,
    amountMinor: payment.amount,
    currency: payment.currency,
  };
}

/** Razorpay's refund as the ledger's: processed is paid back, pending is on its way. */
function providerRefund(refund: z.infer<typeof RazorpayRefund>): ProviderRefund {
  const status =
    refund.status === "processed" ? "succeeded" : refund.status === "failed" ? "failed" : "pending";
  return { id: refund.id, status };
}
