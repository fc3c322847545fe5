// Stripe webhook deliveries for tests: an event around an object, as Stripe sends it, and the
// Stripe-Signature header made with the SDK's own generateTestHeaderString.
import { randomBytes } from "node:crypto";
import Stripe from "stripe";

export const TEST_WEBHOOK_SECRET = "whsec_test_bastion_0123456789";

export interface Delivery {
  eventId: string;
  body: string;
  signature: string;
}

/** A signed delivery of a new event; `timestamp` (seconds) backdates the signature. */
export function stripeEvent(
  type: string,
  object: object,
  options: { eventId?: string; timestamp?: number } = {},
): Delivery {
  const eventId = options.eventId ?? `evt_${randomBytes(12).toString("hex")}`;
  const body = JSON.stringify({
    id: eventId,
    object: "event",
    api_version: "2026-10-28.endive",
    created: Math.floor(Date.now() / 1000),
    type,
    data: { object },
    livemode: false,
    pending_webhooks: 1,
    request: { id: null, idempotency_key: null },
  });
  return { eventId, body, signature: signStripeBody(body, options.timestamp) };
}

export function signStripeBody(body: string, timestamp?: number): string {
  return Stripe.webhooks.generateTestHeaderString({
    payload: body,
    secret: TEST_WEBHOOK_SECRET,
    ...(timestamp !== undefined && { timestamp }),
  });
}
