// The check an endpoint makes when it is only for paying subscribers:
// `await requireTier(db.user, caller.userId, "pro")` answers 402 subscription_required unless the
// caller's subscriptions give pro or more. The rule itself (which statuses count, the past_due
// grace) is public.entitlement()'s, read through the caller's own client.
import type { SupabaseClient } from "@supabase/supabase-js";
import * as z from "zod";
import { ApiError } from "../http/errors.js";
import { meetsTier, type PaidTier, TIERS, type Tier } from "./tiers.js";

/** The tier the user's subscriptions give now (public.entitlement: statuses, past_due grace). */
export async function entitledTier(db: SupabaseClient, userId: string): Promise<Tier> {
  const { data, error } = await db.rpc("entitlement", { p_user_id: userId });
  if (error) throw new Error(`reading an entitlement failed: ${error.code} ${error.message}`);
  return z.enum(TIERS).parse(data);
}

/** The user's tier, if it is at least `minimum`; 402 subscription_required otherwise. */
export async function requireTier(
  db: SupabaseClient,
  userId: string,
  minimum: PaidTier,
): Promise<Tier> {
  const tier = await entitledTier(db, userId);
  if (!meetsTier(tier, minimum)) {
    throw new ApiError("subscription_required", `This needs the ${minimum} tier or higher.`, {
      extensions: { tier, requiredTier: minimum },
    });
  }
  return tier;
}
