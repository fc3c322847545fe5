// The webhook source of each provider, for the sweep that retries stored events. Loaded lazily,
// like the adapters: the sweep imports an SDK only for providers with events to retry.
import type { WebhookProvider } from "./inbox.js";
import type { WebhookSource } from "./receive.js";

export async function webhookSource(provider: WebhookProvider): Promise<WebhookSource> {
  if (provider === "calcom") {
    return (await import("../../scheduling/calcom/webhook.js")).calcomWebhookSource();
  }
  if (provider === "telegram" || provider === "viber") {
    return (await import("../../channels/webhooks.js")).channelWebhookSource(provider);
  }
  if (provider === "meta") {
    return (await import("../../channels/meta-webhook.js")).metaWebhookSource();
  }
  if (provider === "tiktok") {
    return (await import("../../channels/tiktok-webhook.js")).tiktokWebhookSource();
  }
  if (provider === "stripe") return (await import("./stripe-webhook.js")).stripeWebhookSource();
  if (provider === "stripe_connect") {
    return (await import("../../shops/payments/connect-webhook.js")).stripeConnectWebhookSource();
  }
  return (await import("./razorpay-events.js")).orderProviderWebhookSource(provider);
}
