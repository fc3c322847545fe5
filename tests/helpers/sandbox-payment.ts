// Paying for a hold with the local sandbox provider, the way the checkout does it, through the
// typed client: POST /api/payments/create-order, then POST /api/payments/verify with the
// signature the sandbox checkout would hand back for a captured payment.
import {
  sandboxCheckoutSignature,
  sandboxPaymentId,
} from "../../lib/payments/providers/sandbox.js";
import type { TestApi } from "./api.js";
import { apiClient, bearer, expectJson } from "./requests.js";

export interface SandboxOrder {
  orderId: string;
  amount: number;
  currency: string;
  /** Bastion's payment id. */
  paymentId: string;
}

/** The hold's sandbox order, and the provider's id of a payment that captures it. */
export async function sandboxOrder(api: TestApi, token: string, bookingId: string) {
  const order: SandboxOrder = await expectJson(
    await apiClient(api).POST("/api/payments/create-order", {
      params: { header: { "Idempotency-Key": crypto.randomUUID() } },
      body: { sessionType: "individual", format: "video", bookingId },
      headers: bearer(token),
    }),
    201,
  );
  const providerPaymentId = sandboxPaymentId({
    orderId: order.orderId,
    amountMinor: order.amount,
    currency: order.currency,
    status: "captured",
  });
  return { order, providerPaymentId };
}

/** Verifies the captured payment of the order, as the checkout's handler does (200). */
export async function verifySandboxPayment(
  api: TestApi,
  token: string,
  order: SandboxOrder,
  providerPaymentId: string,
) {
  return expectJson(
    await apiClient(api).POST("/api/payments/verify", {
      body: {
        razorpay_order_id: order.orderId,
        razorpay_payment_id: providerPaymentId,
        razorpay_signature: sandboxCheckoutSignature(order.orderId, providerPaymentId),
      },
      headers: bearer(token),
    }),
    200,
  );
}
