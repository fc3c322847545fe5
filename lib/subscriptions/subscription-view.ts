// What the API answers about subscriptions: the tier the caller has now, and the subscription
// behind it — never Stripe's ids nor anything else of the provider's.
import * as z from "zod";
import { TierFeaturesView, TierTable } from "./features.js";
import { SUBSCRIPTION_STATUSES, type SubscriptionFacts } from "./stripe-subscription.js";
import { PAID_TIERS, TIERS } from "./tiers.js";

export const SubscriptionView = z
  .object({
    /** The tier it is for; null when its price is none of the tiers' (it gives nothing). */
    tier: z.enum(PAID_TIERS).nullable(),
    /** Stripe's status: active and trialing give the tier, past_due for 7 days. */
    status: z.enum(SUBSCRIPTION_STATUSES),
    currentPeriodEnd: z.iso.datetime({ offset: true }),
    /** It ends at currentPeriodEnd instead of renewing. */
    cancelAtPeriodEnd: z.boolean(),
  })
  .meta({ id: "Subscription" });
export type SubscriptionView = z.infer<typeof SubscriptionView>;

export const MySubscription = z
  .object({
    /** What the account gets now: free without a subscription that gives a tier. */
    tier: z.enum(TIERS),
    /** The live subscription that decides it, if any (also one whose payment failed). */
    subscription: SubscriptionView.optional(),
    /** What the tier gives now (lib/subscriptions/features.ts). */
    features: TierFeaturesView,
    /** What every tier gives: what an upgrade unlocks. */
    tiers: TierTable,
  })
  .meta({ id: "MySubscription" });
export type MySubscription = z.infer<typeof MySubscription>;

export function subscriptionView(facts: SubscriptionFacts): SubscriptionView {
  return {
    tier: facts.tier,
    status: facts.status,
    currentPeriodEnd: facts.currentPeriodEnd.toISOString(),
    cancelAtPeriodEnd: facts.cancelAtPeriodEnd,
  };
}
