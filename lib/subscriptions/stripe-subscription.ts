// What a Stripe subscription, as Stripe reports it, says about a user's tier: the webhook stores
// these facts, and the endpoints that change a subscription answer with them. Read only from
// objects fetched from Stripe with our key, never from the client.
import type Stripe from "stripe";
import * as z from "zod";
import { log } from "../log.js";
import { type PaidTier, tierOfPrice } from "./tiers.js";

export const SUBSCRIPTION_STATUSES = [
  "incomplete",
  "incomplete_expired",
  "trialing",
  "active",
  "past_due",
  "canceled",
  "unpaid",
  "paused",
] as const;
export type SubscriptionStatus = (typeof SUBSCRIPTION_STATUSES)[number];

export interface SubscriptionFacts {
  stripeSubscriptionId: string;
  stripeCustomerId: string;
  /** The user our Checkout named in its metadata: the owner while the customer is unrecorded. */
  userId: string | undefined;
  /** Null when the price is none of the tiers' (it then gives nothing). */
  tier: PaidTier | null;
  stripeItemId: string;
  stripePriceId: string;
  status: SubscriptionStatus;
  currentPeriodEnd: Date;
  cancelAtPeriodEnd: boolean;
}

/**
 * The facts, or undefined for a subscription we could not describe: one without items, or in a
 * status Stripe added after this code was written.
 */
export function subscriptionFacts(
  subscription: Stripe.Subscription,
): SubscriptionFacts | undefined {
  const items = subscription.items.data;
  // Ours have one item; of any other shape, the item that sells a tier decides.
  const item = items.find((candidate) => tierOfPrice(candidate.price.id)) ?? items[0];
  const status = z.enum(SUBSCRIPTION_STATUSES).safeParse(subscription.status);
  if (!item || !status.success) return undefined;
  const tier = tierOfPrice(item.price.id) ?? null;
  if (tier === null) {
    log.error("subscription_price_unknown", {
      subscriptionId: subscription.id,
      priceId: item.price.id,
      reason: "list the price in STRIPE_PRICE_PRO or STRIPE_PRICE_PREMIUM",
    });
  }
  const { customer } = subscription;
  return {
    stripeSubscriptionId: subscription.id,
    stripeCustomerId: typeof customer === "string" ? customer : customer.id,
    userId: z.uuid().safeParse(subscription.metadata.user_id).data,
    tier,
    stripeItemId: item.id,
    stripePriceId: item.price.id,
    status: status.data,
    currentPeriodEnd: new Date(item.current_period_end * 1000),
    cancelAtPeriodEnd: subscription.cancel_at_period_end,
  };
}

/** The facts of a subscription Stripe just answered with; one we cannot describe is a bug here. */
export function describedSubscription(subscription: Stripe.Subscription): SubscriptionFacts {
  const facts = subscriptionFacts(subscription);
  if (!facts) {
    throw new Error(`Stripe answered subscription ${subscription.id} in an unknown shape`);
  }
  return facts;
}
