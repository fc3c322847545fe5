// PUT /api/subscriptions: the caller's subscription moves to another tier's price, prorated as
// Stripe does by default (the difference is charged or credited on the next invoice). The answer
// is Stripe's; the database follows when Stripe's customer.subscription.updated event arrives.
import type { SupabaseClient } from "@supabase/supabase-js";
import * as z from "zod";
import type { Caller } from "../auth/caller.js";
import { ApiError } from "../http/errors.js";
import { changePrice, retrieveSubscription } from "./stripe-billing.js";
import { describedSubscription, type SubscriptionStatus } from "./stripe-subscription.js";
import { subscriptionToChange } from "./subscription-status.js";
import { type SubscriptionView, subscriptionView } from "./subscription-view.js";
import { PAID_TIERS, soldPrice } from "./tiers.js";

export const TierChange = z.strictObject({ tier: z.enum(PAID_TIERS) });
export type TierChange = z.infer<typeof TierChange>;

/** A subscription waiting for its first payment, unpaid or paused is settled in the portal first. */
const CHANGEABLE = new Set<SubscriptionStatus>(["active", "trialing", "past_due"]);

export async function changeTier(
  db: SupabaseClient,
  caller: Caller,
  change: TierChange,
): Promise<SubscriptionView> {
  const priceId = soldPrice(change.tier);
  const current = await subscriptionToChange(db, caller.userId);
  // Stripe's current state, not our copy: the item to move and whether it may move now.
  const facts = describedSubscription(await retrieveSubscription(current.stripe_subscription_id));
  if (!CHANGEABLE.has(facts.status)) {
    throw new ApiError(
      "conflict",
      "This subscription cannot change tier now; settle it in the billing portal first.",
    );
  }
  // Already on the tier (perhaps at an older price, which it keeps): nothing to change.
  if (facts.tier === change.tier) return subscriptionView(facts);
  const changed = await changePrice(facts.stripeSubscriptionId, facts.stripeItemId, priceId);
  return subscriptionView(describedSubscription(changed));
}
