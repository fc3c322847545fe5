// POST /api/subscriptions: Stripe Checkout, in subscription mode, for a paid tier at the price the
// server names. The caller's one Stripe customer pays: the one the webhook recorded, or, before
// any webhook has, one created under a key named after the user (stripe-billing.ts), so
// concurrent first checkouts share it. Stripe returns the customer only to our own origins; the
// webhook records the subscription once Checkout completes.
import { createHash } from "node:crypto";
import type { SupabaseClient } from "@supabase/supabase-js";
import * as z from "zod";
import type { Caller } from "../auth/caller.js";
import { ApiError } from "../http/errors.js";
import {
  checkoutReturnFields,
  openedCheckout,
  openedCheckoutFields,
  requireOwnReturnPages,
} from "../payments/checkout-session.js";
import { recordedCustomer } from "./billing-customer.js";
import { createCustomer, createSubscriptionCheckout } from "./stripe-billing.js";
import { currentSubscription } from "./subscription-status.js";
import { PAID_TIERS, soldPrice } from "./tiers.js";

export const SubscriptionCheckoutRequest = z.strictObject({
  tier: z.enum(PAID_TIERS),
  ...checkoutReturnFields,
});
export type SubscriptionCheckoutRequest = z.infer<typeof SubscriptionCheckoutRequest>;

export const SubscriptionCheckoutCreated = z
  .object(openedCheckoutFields)
  .meta({ id: "SubscriptionCheckoutCreated" });
export type SubscriptionCheckoutCreated = z.infer<typeof SubscriptionCheckoutCreated>;

export async function startSubscriptionCheckout(
  db: SupabaseClient,
  caller: Caller,
  request: SubscriptionCheckoutRequest,
  idempotencyKey: string,
): Promise<SubscriptionCheckoutCreated> {
  requireOwnReturnPages(request);
  const priceId = soldPrice(request.tier);
  const [current, recorded] = await Promise.all([
    currentSubscription(db, caller.userId),
    recordedCustomer(db, caller.userId),
  ]);
  if (current) {
    throw new ApiError(
      "conflict",
      "You already have a subscription: change its tier with PUT, or manage it in the billing portal.",
    );
  }
  const customerId = recorded ?? (await createCustomer(caller.userId)).id;
  const session = await createSubscriptionCheckout({
    userId: caller.userId,
    customerId,
    priceId,
    successUrl: request.successUrl,
    cancelUrl: request.cancelUrl,
    // A retry of this request (same key, same body) gets the same session from Stripe too. Hashed:
    // the caller's key may be up to 255 characters, Stripe's limit for the whole key.
    idempotencyKey: `subscription-checkout-${createHash("sha256")
      .update(`${caller.userId}\n${idempotencyKey}`)
      .digest("hex")}`,
  });
  return openedCheckout(session);
}
