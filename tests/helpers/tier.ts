// A tier for a test user without going through Stripe: an active subscription row written
// straight into the database (raw SQL, as the webhook's public.subscriptions_apply would leave
// it). For suites about something else than billing whose users need a paid tier's limits
// (lib/subscriptions/features.ts); tests/api/subscriptions.test.ts goes through Checkout.
import type { TestApi } from "./api.js";

export async function grantTier(
  api: Pick<TestApi, "supabase">,
  userId: string,
  tier: "pro" | "premium",
): Promise<void> {
  const suffix = crypto.randomUUID().replaceAll("-", "");
  await api.supabase.db.query(
    `insert into public.subscriptions
       (user_id, stripe_subscription_id, stripe_customer_id, tier, stripe_price_id, status,
        current_period_end, synced_at)
     values ($1, $2, $3, $4, 'price_test', 'active', now() + interval '30 days', now())`,
    [userId, `sub_${suffix}`, `cus_${suffix}`, tier],
  );
}
