// The subscription events of Stripe's webhook (lib/payments/webhooks/stripe-webhook.ts routes them
// here). As with payments, an event is only a nudge: the subscription is read afresh from Stripe
// and stored with the time that read began, and a copy read earlier never replaces one read
// later — so events that arrive late, twice, together or out of order store Stripe's latest
// state, and the oldest of them changes nothing.
import type { SupabaseClient } from "@supabase/supabase-js";
import * as z from "zod";
import { ApiError } from "../../http/errors.js";
import { retrieveSubscription } from "../stripe-billing.js";
import { subscriptionFacts } from "../stripe-subscription.js";
import { applySubscription, recordBillingCustomer } from "../subscriptions-ledger.js";

/**
 * Stores the subscription as Stripe has it now. `userId` names its owner when the subscription's
 * own metadata does not (a completed Checkout's client_reference_id).
 */
export async function syncSubscription(
  service: SupabaseClient,
  subscriptionId: string,
  userId?: string,
): Promise<string> {
  const syncedAt = new Date();
  const subscription = await retrieveSubscription(subscriptionId).catch((error: unknown) => {
    if (error instanceof ApiError && error.code === "not_found") return undefined;
    throw error;
  });
  if (!subscription) return "ignored: no such subscription in Stripe";
  const facts = subscriptionFacts(subscription);
  if (!facts) return `ignored: a subscription without items or in status ${subscription.status}`;
  const { applied, subscription: row } = await applySubscription(
    service,
    { ...facts, userId: facts.userId ?? z.uuid().safeParse(userId).data },
    syncedAt,
  );
  if (!row) return "ignored: a customer of no user";
  const state = `${row.status} (${row.tier ?? "no tier"})`;
  return applied ? `subscription ${state}` : `unchanged: ${state}`;
}

/** A customer we created (customer.created): recorded as the user's, unless they have one. */
export async function recordCustomer(
  service: SupabaseClient,
  customerId: string,
  userId?: string,
): Promise<string> {
  const user = z.uuid().safeParse(userId);
  if (!user.success) return "ignored: not a customer of ours";
  const owner = await recordBillingCustomer(service, customerId, user.data);
  return owner === user.data ? "customer recorded" : "ignored: not recorded for this user";
}
