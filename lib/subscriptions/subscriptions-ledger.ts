// Our copy of Stripe's customers and subscriptions, written only by the webhook through the
// service role (see the header of supabase/migrations/20261121000600_subscriptions.sql). Each
// call is one database function, one transaction; this module names the arguments.
import type { SupabaseClient } from "@supabase/supabase-js";
import * as z from "zod";
import { rpcCaller } from "../db/rpc.js";
import type { SubscriptionFacts } from "./stripe-subscription.js";

/** Nothing these functions refuse is a caller's doing, so every failure is a plain Error. */
const call = rpcCaller();

const Applied = z.object({
  /** This copy was stored (false: a copy read later, or the subscription's end, is kept). */
  applied: z.boolean(),
  /** The row as it stands; null when nobody it could belong to exists. */
  subscription: z.object({ status: z.string(), tier: z.string().nullable() }).nullable(),
});
type Applied = z.infer<typeof Applied>;

/** A subscription as read from Stripe at `syncedAt` (when the read began). */
export function applySubscription(
  service: SupabaseClient,
  facts: SubscriptionFacts,
  syncedAt: Date,
): Promise<Applied> {
  return call(
    service,
    "subscriptions_apply",
    {
      p_stripe_subscription_id: facts.stripeSubscriptionId,
      p_stripe_customer_id: facts.stripeCustomerId,
      p_user_id: facts.userId ?? null,
      p_tier: facts.tier,
      p_stripe_price_id: facts.stripePriceId,
      p_status: facts.status,
      p_current_period_end: facts.currentPeriodEnd.toISOString(),
      p_cancel_at_period_end: facts.cancelAtPeriodEnd,
      p_synced_at: syncedAt.toISOString(),
    },
    Applied,
  );
}

/** The customer's user once recorded (null: no such user, or the account was deleted). */
export function recordBillingCustomer(
  service: SupabaseClient,
  customerId: string,
  userId: string,
): Promise<string | null> {
  return call(
    service,
    "billing_customers_record",
    { p_stripe_customer_id: customerId, p_user_id: userId },
    z.uuid().nullable(),
  );
}
