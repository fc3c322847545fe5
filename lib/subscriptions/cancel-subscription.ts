// DELETE /api/subscriptions: the caller's subscription stops renewing; it keeps giving its tier
// until the end of the period already paid for, when Stripe ends it (customer.subscription.deleted
// then records that). The answer is Stripe's; the database follows with the webhook.
import type { SupabaseClient } from "@supabase/supabase-js";
import type { Caller } from "../auth/caller.js";
import { cancelAtPeriodEnd } from "./stripe-billing.js";
import { describedSubscription } from "./stripe-subscription.js";
import { subscriptionToChange } from "./subscription-status.js";
import { type SubscriptionView, subscriptionView } from "./subscription-view.js";
import { tierPrices } from "./tiers.js";

export async function cancelSubscription(
  db: SupabaseClient,
  caller: Caller,
): Promise<SubscriptionView> {
  // The answer names the tier by its price: without the prices, refuse before Stripe is asked.
  tierPrices();
  const current = await subscriptionToChange(db, caller.userId);
  const cancelled = await cancelAtPeriodEnd(current.stripe_subscription_id);
  return subscriptionView(describedSubscription(cancelled));
}
