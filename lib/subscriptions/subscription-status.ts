// The caller's subscription as the database has it — the Stripe webhook keeps it in step with
// Stripe — read through the caller's own client, so row-level security shows them only theirs.
// public.subscription_status() picks the subscription that decides the tier and applies the
// entitlement rule (supabase/migrations/20261121000600_subscriptions.sql).
import type { SupabaseClient } from "@supabase/supabase-js";
import * as z from "zod";
import type { Caller } from "../auth/caller.js";
import { ApiError } from "../http/errors.js";
import { TIER_FEATURES } from "./features.js";
import { SUBSCRIPTION_STATUSES } from "./stripe-subscription.js";
import type { MySubscription } from "./subscription-view.js";
import { PAID_TIERS, TIERS } from "./tiers.js";

const StatusRow = z.object({
  entitled_tier: z.enum(TIERS),
  tier: z.enum(PAID_TIERS).nullable(),
  status: z.enum(SUBSCRIPTION_STATUSES),
  current_period_end: z.string(),
  cancel_at_period_end: z.boolean(),
  stripe_subscription_id: z.string(),
  stripe_customer_id: z.string(),
});
type StatusRow = z.infer<typeof StatusRow>;

/** The user's live (not ended) subscription that decides their tier, if they have one. */
export async function currentSubscription(
  db: SupabaseClient,
  userId: string,
): Promise<StatusRow | undefined> {
  const { data, error } = await db.rpc("subscription_status", { p_user_id: userId });
  if (error) throw new Error(`reading a subscription failed: ${error.code} ${error.message}`);
  return z.array(StatusRow).parse(data)[0];
}

/** The subscription a change applies to, or 404 when the caller has none. */
export async function subscriptionToChange(db: SupabaseClient, userId: string): Promise<StatusRow> {
  const current = await currentSubscription(db, userId);
  if (!current) throw new ApiError("not_found", "You have no subscription; start one with POST.");
  return current;
}

export async function mySubscription(db: SupabaseClient, caller: Caller): Promise<MySubscription> {
  const current = await currentSubscription(db, caller.userId);
  const tier = current?.entitled_tier ?? "free";
  const plan = { tier, features: TIER_FEATURES[tier], tiers: TIER_FEATURES };
  if (!current) return plan;
  return {
    ...plan,
    subscription: {
      tier: current.tier,
      status: current.status,
      currentPeriodEnd: new Date(current.current_period_end).toISOString(),
      cancelAtPeriodEnd: current.cancel_at_period_end,
    },
  };
}
