// Which provider serves a payment. Adapters are imported lazily, so a function that never pays
// never loads an SDK (Stripe and Razorpay each cost tens of milliseconds of cold start).
import { env } from "../../env.js";
import type { OrderProvider, PaymentProvider, ProviderName } from "./types.js";

/** The provider a stored payment was made with. */
export async function paymentProvider(name: ProviderName): Promise<PaymentProvider> {
  switch (name) {
    case "razorpay":
      return (await import("./razorpay.js")).razorpayProvider();
    case "sandbox":
      return (await import("./sandbox.js")).sandboxProvider();
    case "stripe":
      return (await import("./stripe.js")).stripeProvider();
  }
}

/**
 * The order-based checkout (POST /api/payments/create-order): Razorpay when its keys are set,
 * else the sandbox on the local stack, else 503.
 */
export async function orderProvider(): Promise<OrderProvider> {
  const { RAZORPAY_KEY_ID, RAZORPAY_KEY_SECRET } = env();
  if (RAZORPAY_KEY_ID !== undefined && RAZORPAY_KEY_SECRET !== undefined) {
    return (await import("./razorpay.js")).razorpayProvider();
  }
  return (await import("./sandbox.js")).sandboxProvider();
}
