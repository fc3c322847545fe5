// The caller's Stripe customer as the webhook recorded it (public.billing_customers), read through
// the caller's own client. The API never records one itself: only the webhook does, from what
// Stripe signed, so no caller can claim a customer id that is not theirs.
import type { SupabaseClient } from "@supabase/supabase-js";
import * as z from "zod";

export async function recordedCustomer(
  db: SupabaseClient,
  userId: string,
): Promise<string | undefined> {
  const { data, error } = await db
    .from("billing_customers")
    .select("stripe_customer_id")
    .eq("user_id", userId)
    .maybeSingle();
  if (error) throw new Error(`reading a billing customer failed: ${error.code} ${error.message}`);
  return data === null
    ? undefined
    : z.object({ stripe_customer_id: z.string() }).parse(data).stripe_customer_id;
}
