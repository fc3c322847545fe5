// Subscriptions in the database (supabase/migrations/20261121000600_subscriptions.sql): who may
// read and write them (RLS and grants, through the Data API with each key), the copies of Stripe's
// state the webhook stores — a copy read earlier never replaces one read later, ended ones stay
// ended, concurrent copies store one row — whose customer a subscription is, and the entitlement
// rule with the check endpoints make (lib/subscriptions/entitlement.ts).
//
// With DATABASE_URL the database is shared between files and runs, so every test makes its own
// users and Stripe ids and looks only at rows it made.
import { randomUUID } from "node:crypto";
import type { SupabaseClient } from "@supabase/supabase-js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ApiError } from "../../lib/http/errors.js";
import { requireTier } from "../../lib/subscriptions/entitlement.js";
import { startTestSupabase, type TestSupabase } from "../helpers/supabase.js";

let stack: TestSupabase;
let anon: SupabaseClient;
let service: SupabaseClient;
const run = randomUUID().slice(0, 8);
let made = 0;

interface User {
  id: string;
  client: SupabaseClient;
}

async function signUp(): Promise<User> {
  made += 1;
  const { data, error } = await stack.client().auth.signUp({
    email: `subscriber${made}-${run}@example.test`,
    password: "correct horse battery",
  });
  if (error || !data.session || !data.user) throw error ?? new Error("no session");
  return { id: data.user.id, client: stack.client(data.session.access_token) };
}

/** A Stripe id of this run: `sub_…`, `cus_…`. */
function stripeId(prefix: "sub" | "cus"): string {
  made += 1;
  return `${prefix}_${run}x${made}`;
}

/** Seconds from now, as the ISO instant a webhook read began. */
const at = (seconds: number) => new Date(Date.now() + seconds * 1000).toISOString();

interface Copy {
  subscription: string;
  customer: string;
  user?: string | null;
  tier?: string | null;
  status?: string;
  cancelAtPeriodEnd?: boolean;
  syncedAt?: string;
}

/** subscriptions_apply as the webhook calls it: the service-role key through the Data API. */
function apply(copy: Copy) {
  return service.rpc("subscriptions_apply", {
    p_stripe_subscription_id: copy.subscription,
    p_stripe_customer_id: copy.customer,
    p_user_id: copy.user ?? null,
    p_tier: copy.tier === undefined ? "pro" : copy.tier,
    p_stripe_price_id: `price_${copy.tier ?? "other"}`,
    p_status: copy.status ?? "active",
    p_current_period_end: at(30 * 86_400),
    p_cancel_at_period_end: copy.cancelAtPeriodEnd ?? false,
    p_synced_at: copy.syncedAt ?? at(0),
  });
}

interface Applied {
  applied: boolean;
  subscription: { user_id: string | null; tier: string | null; status: string } | null;
}

async function applyOk(copy: Copy): Promise<Applied> {
  const { data, error } = await apply(copy);
  expect(error).toBeNull();
  return data as Applied;
}

async function subscriptionRow(stripeSubscriptionId: string) {
  const { rows } = await stack.db.query<Record<string, unknown>>(
    `select user_id, stripe_customer_id, tier, status, cancel_at_period_end,
       past_due_since is not null as past_due
     from public.subscriptions where stripe_subscription_id = $1`,
    [stripeSubscriptionId],
  );
  return rows;
}

async function customerOwner(customer: string): Promise<string | null | undefined> {
  const { rows } = await stack.db.query<{ user_id: string | null }>(
    "select user_id from public.billing_customers where stripe_customer_id = $1",
    [customer],
  );
  return rows[0]?.user_id;
}

async function entitlement(db: SupabaseClient, userId: string): Promise<unknown> {
  const { data, error } = await db.rpc("entitlement", { p_user_id: userId });
  expect(error).toBeNull();
  return data;
}

/** A user with a subscription of the given tier and status, stored as the webhook stores it. */
async function subscriber(tier: string | null, status = "active"): Promise<User> {
  const user = await signUp();
  await applyOk({
    subscription: stripeId("sub"),
    customer: stripeId("cus"),
    user: user.id,
    tier,
    status,
  });
  return user;
}

beforeAll(async () => {
  stack = await startTestSupabase();
  anon = stack.client();
  service = stack.client(stack.serviceRoleKey);
});

afterAll(async () => {
  await stack?.close();
});

describe("who may read and write subscriptions", () => {
  it("shows users their own subscription and customer, nobody else's, and anon nothing", async () => {
    const [alice, bob] = await Promise.all([subscriber("pro"), subscriber("premium")]);
    for (const user of [alice, bob]) {
      const subscriptions = await user.client.from("subscriptions").select("user_id, tier");
      expect(subscriptions.error).toBeNull();
      expect(subscriptions.data).toEqual([
        { user_id: user.id, tier: user === alice ? "pro" : "premium" },
      ]);
      const customers = await user.client.from("billing_customers").select("user_id");
      expect(customers.data).toEqual([{ user_id: user.id }]);
    }
    for (const table of ["subscriptions", "billing_customers"]) {
      expect((await anon.from(table).select("user_id").limit(1)).error?.code).toBe("42501");
    }
  });

  it("lets no API role write a subscription or a customer, nor run the webhook's functions", async () => {
    const alice = await subscriber("pro");
    const subscription = stripeId("sub");
    const customer = stripeId("cus");
    for (const db of [anon, alice.client]) {
      const writes = [
        db.from("subscriptions").insert({
          user_id: alice.id,
          stripe_subscription_id: subscription,
          stripe_customer_id: customer,
          tier: "premium",
          stripe_price_id: "price_forged",
          status: "active",
          current_period_end: at(86_400),
          synced_at: at(0),
        }),
        db.from("subscriptions").update({ tier: "premium" }).eq("user_id", alice.id),
        db.from("subscriptions").delete().eq("user_id", alice.id),
        db.from("billing_customers").insert({ stripe_customer_id: customer, user_id: alice.id }),
        db.from("billing_customers").update({ user_id: null }).eq("user_id", alice.id),
        db.from("billing_customers").delete().eq("user_id", alice.id),
      ];
      for (const { error } of await Promise.all(writes)) expect(error?.code).toBe("42501");
      const calls: [string, Record<string, unknown>][] = [
        [
          "subscriptions_apply",
          {
            p_stripe_subscription_id: subscription,
            p_stripe_customer_id: customer,
            p_user_id: alice.id,
            p_tier: "premium",
            p_stripe_price_id: "price_forged",
            p_status: "active",
            p_current_period_end: at(86_400),
            p_cancel_at_period_end: false,
            p_synced_at: at(3600),
          },
        ],
        ["billing_customers_record", { p_stripe_customer_id: customer, p_user_id: alice.id }],
      ];
      for (const [fn, args] of calls) {
        const { error } = await db.rpc(fn, args);
        expect({ fn, code: error?.code }).toEqual({ fn, code: "42501" });
      }
    }
    const { rows } = await stack.db.query<{ tier: string }>(
      "select tier from public.subscriptions where user_id = $1",
      [alice.id],
    );
    expect(rows).toEqual([{ tier: "pro" }]);
    expect(await subscriptionRow(subscription)).toEqual([]);
    expect(await customerOwner(customer)).toBeUndefined();
  });
});

describe("copies of Stripe's state", () => {
  it("never lets a copy read earlier replace one read later", async () => {
    const user = await signUp();
    const ids = { subscription: stripeId("sub"), customer: stripeId("cus"), user: user.id };
    const newer = await applyOk({ ...ids, tier: "premium", syncedAt: at(0) });
    expect(newer).toMatchObject({ applied: true, subscription: { tier: "premium" } });
    const older = await applyOk({ ...ids, tier: "pro", cancelAtPeriodEnd: true, syncedAt: at(-5) });
    expect(older).toEqual({
      applied: false,
      subscription: expect.objectContaining({ tier: "premium", user_id: user.id }),
    });
    const later = await applyOk({
      ...ids,
      tier: "premium",
      cancelAtPeriodEnd: true,
      syncedAt: at(5),
    });
    expect(later.applied).toBe(true);
    expect(await subscriptionRow(ids.subscription)).toEqual([
      {
        user_id: user.id,
        stripe_customer_id: ids.customer,
        tier: "premium",
        status: "active",
        cancel_at_period_end: true,
        past_due: false,
      },
    ]);
  });

  it("stores concurrent copies of a new subscription once, keeping the latest read", async () => {
    const user = await signUp();
    const ids = { subscription: stripeId("sub"), customer: stripeId("cus"), user: user.id };
    const copies = [0, 1, 2, 3, 4].map((n) => ({
      ...ids,
      tier: n === 3 ? "premium" : "pro",
      syncedAt: at(n),
    }));
    const results = await Promise.all(copies.map((copy) => apply(copy)));
    for (const { error } of results) expect(error).toBeNull();
    expect(await subscriptionRow(ids.subscription)).toEqual([
      expect.objectContaining({ tier: "pro", status: "active" }),
    ]);
    expect(await customerOwner(ids.customer)).toBe(user.id);
    // Copy 4 was read last; whichever order they landed in, it is what stays.
    const { rows } = await stack.db.query<{ synced_at: Date }>(
      "select synced_at from public.subscriptions where stripe_subscription_id = $1",
      [ids.subscription],
    );
    expect(new Date(rows[0]?.synced_at ?? 0).toISOString()).toBe(copies[4]?.syncedAt);
  });

  it("keeps an ended subscription ended", async () => {
    const user = await signUp();
    const ids = { subscription: stripeId("sub"), customer: stripeId("cus"), user: user.id };
    await applyOk({ ...ids, status: "canceled", syncedAt: at(0) });
    expect(await applyOk({ ...ids, status: "active", syncedAt: at(5) })).toMatchObject({
      applied: false,
      subscription: { status: "canceled" },
    });
    await expect(
      stack.db.query(
        "update public.subscriptions set status = 'active', synced_at = now() + interval '1 hour' where stripe_subscription_id = $1",
        [ids.subscription],
      ),
    ).rejects.toThrow(/ended subscription never comes back/);
    expect(await subscriptionRow(ids.subscription)).toEqual([
      expect.objectContaining({ status: "canceled" }),
    ]);
  });

  it("notes when it fell past due, keeps that through later past_due reads, and clears it", async () => {
    const user = await signUp();
    const ids = { subscription: stripeId("sub"), customer: stripeId("cus"), user: user.id };
    await applyOk({ ...ids, status: "past_due", syncedAt: at(0) });
    const since = async () =>
      (
        await stack.db.query<{ past_due_since: Date | null }>(
          "select past_due_since from public.subscriptions where stripe_subscription_id = $1",
          [ids.subscription],
        )
      ).rows[0]?.past_due_since;
    const first = await since();
    expect(first).not.toBeNull();
    await applyOk({ ...ids, status: "past_due", syncedAt: at(5) });
    expect(await since()).toEqual(first);
    await applyOk({ ...ids, status: "active", syncedAt: at(10) });
    expect(await since()).toBeNull();
  });
});

describe("whose subscription it is", () => {
  it("belongs to the recorded customer's user, whatever the metadata names", async () => {
    const [alice, bob] = await Promise.all([signUp(), signUp()]);
    const customer = stripeId("cus");
    const recorded = await service.rpc("billing_customers_record", {
      p_stripe_customer_id: customer,
      p_user_id: alice.id,
    });
    expect(recorded).toMatchObject({ error: null, data: alice.id });
    const subscription = stripeId("sub");
    await applyOk({ subscription, customer, user: bob.id });
    expect(await subscriptionRow(subscription)).toEqual([
      expect.objectContaining({ user_id: alice.id }),
    ]);
  });

  it("records one customer per user and one user per customer, the first pair winning", async () => {
    const [alice, bob] = await Promise.all([signUp(), signUp()]);
    const [first, second] = [stripeId("cus"), stripeId("cus")];
    const record = async (customer: string, user: string) =>
      (await service.rpc("billing_customers_record", {
        p_stripe_customer_id: customer,
        p_user_id: user,
      })) as { data: unknown; error: unknown };
    expect(await record(first, alice.id)).toEqual(expect.objectContaining({ data: alice.id }));
    expect(await record(first, alice.id)).toEqual(expect.objectContaining({ data: alice.id }));
    expect(await record(second, alice.id)).toEqual(expect.objectContaining({ data: null }));
    expect(await record(first, bob.id)).toEqual(expect.objectContaining({ data: alice.id }));
    expect(await customerOwner(second)).toBeUndefined();

    // A subscription Stripe bills to alice's second customer is still hers.
    const subscription = stripeId("sub");
    await applyOk({ subscription, customer: second, user: alice.id });
    expect(await subscriptionRow(subscription)).toEqual([
      expect.objectContaining({ user_id: alice.id, stripe_customer_id: second }),
    ]);
  });

  it("stores nothing for a customer of no user, or of a deleted account", async () => {
    const stranger = await applyOk({
      subscription: stripeId("sub"),
      customer: stripeId("cus"),
      user: randomUUID(),
    });
    expect(stranger).toEqual({ applied: false, subscription: null });

    const leaving = await signUp();
    const customer = stripeId("cus");
    const kept = stripeId("sub");
    await applyOk({ subscription: kept, customer, user: leaving.id });
    await stack.db.query("delete from auth.users where id = $1", [leaving.id]);
    expect(await customerOwner(customer)).toBeNull();
    expect(await subscriptionRow(kept)).toEqual([expect.objectContaining({ user_id: null })]);

    const someoneElse = await signUp();
    const after = await applyOk({ subscription: stripeId("sub"), customer, user: someoneElse.id });
    expect(after).toEqual({ applied: false, subscription: null });
    expect(await customerOwner(customer)).toBeNull();
  });
});

describe("entitlement", () => {
  it("gives the tier of active, trialing and freshly past_due subscriptions, and nothing else", async () => {
    const cases: [string | null, string, string][] = [
      ["pro", "active", "pro"],
      ["premium", "trialing", "premium"],
      ["pro", "past_due", "pro"],
      ["premium", "incomplete", "free"],
      ["premium", "unpaid", "free"],
      ["premium", "paused", "free"],
      ["premium", "canceled", "free"],
      ["premium", "incomplete_expired", "free"],
      [null, "active", "free"],
    ];
    for (const [tier, status, expected] of cases) {
      const user = await subscriber(tier, status);
      expect({ tier, status, entitled: await entitlement(user.client, user.id) }).toEqual({
        tier,
        status,
        entitled: expected,
      });
    }
  });

  it("ends the past_due grace after 7 days", async () => {
    const user = await subscriber("premium", "past_due");
    expect(await entitlement(user.client, user.id)).toBe("premium");
    await stack.db.query(
      "update public.subscriptions set past_due_since = now() - interval '7 days 1 minute' where user_id = $1",
      [user.id],
    );
    expect(await entitlement(user.client, user.id)).toBe("free");
    const { data } = await user.client.rpc("subscription_status", { p_user_id: user.id });
    expect(data).toEqual([
      expect.objectContaining({ entitled_tier: "free", tier: "premium", status: "past_due" }),
    ]);
  });

  it("ranks premium above pro, and shows a user only their own", async () => {
    const user = await subscriber("pro");
    await applyOk({
      subscription: stripeId("sub"),
      customer: stripeId("cus"),
      user: user.id,
      tier: "premium",
    });
    expect(await entitlement(user.client, user.id)).toBe("premium");
    const other = await signUp();
    expect(await entitlement(other.client, user.id)).toBe("free");
    expect(await entitlement(service, user.id)).toBe("premium");
    expect(await entitlement(other.client, other.id)).toBe("free");
  });

  it("lets requireTier pass pro and premium, and refuse free with 402 subscription_required", async () => {
    const [free, pro, premium] = await Promise.all([
      signUp(),
      subscriber("pro"),
      subscriber("premium"),
    ]);
    expect(await requireTier(pro.client, pro.id, "pro")).toBe("pro");
    expect(await requireTier(premium.client, premium.id, "pro")).toBe("premium");
    expect(await requireTier(premium.client, premium.id, "premium")).toBe("premium");
    const refusals: [User, "pro" | "premium", string][] = [
      [free, "pro", "free"],
      [pro, "premium", "pro"],
    ];
    for (const [user, minimum, tier] of refusals) {
      const refused = await requireTier(user.client, user.id, minimum).catch((error) => error);
      expect(refused).toBeInstanceOf(ApiError);
      expect(refused).toMatchObject({
        code: "subscription_required",
        status: 402,
        options: { extensions: { tier, requiredTier: minimum } },
      });
    }
  });
});
