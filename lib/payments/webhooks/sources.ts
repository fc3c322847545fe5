// The webhook source of each provider, for the sweep that retries stored events. Loaded lazily,
// like the adapters: the sweep imports an SDK only for providers with events to retry.
import type { ProviderName } from "../providers/types.js";
import type { WebhookSource } from "./receive.js";

export async function webhookSource(provider: ProviderName): Promise<WebhookSource> {
  if (provider === "stripe") return (await import("./stripe-webhook.js")).stripeWebhookSource();
  return (await import("./razorpay-events.js")).orderProviderWebhookSource(provider);
}
