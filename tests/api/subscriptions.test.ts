// The extension's subscriptions through the API, with the real `stripe` SDK talking to a
// network-level fake of Stripe's API and every webhook delivery signed with the SDK's
// generateTestHeaderString: Checkout at the server's price for one customer per user, tier
// changes and cancellation asked of Stripe and recorded only when Stripe's events say so, events
// applied once and in any order, and the billing portal.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TIER_FEATURES } from "../../lib/subscriptions/features.js";
import { SPA_ORIGIN, startTestApi, type TestApi } from "../helpers/api.js";
import { type FakeStripe, startFakeStripe } from "../helpers/fake-stripe.js";
import { expectJson, expectProblem, send } from "../helpers/requests.js";
import { type Delivery, stripeEvent, TEST_WEBHOOK_SECRET } from "../helpers/stripe-events.js";

const PRO = "price_pro_2027";
const PRO_BEFORE = "price_pro_2026";
const PREMIUM = "price_premium_2027";

let api: TestApi;
let stripe: FakeStripe;
beforeAll(async () => {
  stripe = await startFakeStripe();
  api = await startTestApi({
    env: {
      STRIPE_SECRET_KEY: stripe.secretKey,
      STRIPE_WEBHOOK_SECRET: TEST_WEBHOOK_SECRET,
      STRIPE_API_URL: stripe.url,
      STRIPE_PRICE_PRO: `${PRO}, ${PRO_BEFORE}`,
      STRIPE_PRICE_PREMIUM: PREMIUM,
    },
  });
});
afterAll(async () => {
  await api?.close();
  await stripe?.close();
});

const FREE = { tier: "free", features: TIER_FEATURES.free, tiers: TIER_FEATURES };

const PAGES = { successUrl: `${SPA_ORIGIN}/welcome`, cancelUrl: `${SPA_ORIGIN}/plans` };

interface CheckoutCreated {
  sessionId: string;
  url: string;
}

const checkout = (token: string, body: object, key = crypto.randomUUID()) =>
  send(api, "POST", "/api/subscriptions", { token, body, key });

const mine = (token: string) => send(api, "GET", "/api/subscriptions", { token });

function deliver(delivery: Delivery, path = "/api/webhooks/stripe"): Promise<Response> {
  return fetch(`${api.url}${path}`, {
    method: "POST",
    headers: { "content-type": "application/json", "stripe-signature": delivery.signature },
    body: delivery.body,
  });
}

/** Delivers the event and answers what processing concluded. */
async function outcomeOf(delivery: Delivery): Promise<string | null> {
  await expectJson(await deliver(delivery), 200);
  const { rows } = await api.supabase.db.query<{ outcome: string | null }>(
    "select outcome from public.webhook_events where provider = 'stripe' and event_id = $1",
    [delivery.eventId],
  );
  return rows[0]?.outcome ?? null;
}

/** Stripe requests of one kind: method and path, and the Idempotency-Key when given. */
const requestsTo = (method: string, path: string, key?: string) =>
  stripe.requests.filter(
    (request) =>
      request.method === method &&
      request.path === path &&
      (key === undefined || request.idempotencyKey === key),
  );

/** A user who subscribed to the tier through Checkout, as the webhook recorded it. */
async function subscriber(tier: "pro" | "premium") {
  const user = await api.signUp();
  const created = await expectJson<CheckoutCreated>(
    await checkout(user.accessToken, { tier, ...PAGES }),
    201,
  );
  const { session, subscription } = stripe.completeSubscriptionCheckout(created.sessionId);
  expect(await outcomeOf(stripeEvent("checkout.session.completed", session))).toBe(
    `subscription active (${tier})`,
  );
  return { ...user, subscriptionId: subscription.id, customerId: subscription.customer };
}

describe("GET /api/subscriptions", () => {
  it("answers free to a user who never subscribed, and shows nobody else's subscription", async () => {
    const [user] = await Promise.all([api.signUp(), subscriber("premium")]);
    expect(await expectJson(await mine(user.accessToken), 200)).toEqual(FREE);
    await expectProblem(await send(api, "GET", "/api/subscriptions"), 401, "unauthorized");
  });
});

describe("POST /api/subscriptions", () => {
  it("starts Checkout at the tier's price for one customer per user, even when asked at once", async () => {
    const user = await api.signUp();
    const created = await Promise.all(
      Array.from({ length: 5 }, () =>
        checkout(user.accessToken, { tier: "pro", ...PAGES }).then((r) =>
          expectJson<CheckoutCreated>(r, 201),
        ),
      ),
    );
    expect(new Set(created.map((session) => session.sessionId)).size).toBe(5);
    for (const session of created) {
      expect(session.url).toBe(`https://checkout.stripe.test/c/pay/${session.sessionId}`);
    }

    const customerCalls = requestsTo("POST", "/v1/customers", `customer-${user.id}`);
    // Nothing recorded the customer yet, so each asked Stripe for it, under one key.
    expect(customerCalls).toHaveLength(5);
    for (const request of customerCalls) {
      expect(request.params).toEqual({ metadata: { user_id: user.id } });
    }
    const sessions = requestsTo("POST", "/v1/checkout/sessions").filter(
      (request) => request.params.client_reference_id === user.id,
    );
    expect(sessions).toHaveLength(5);
    expect(new Set(sessions.map((request) => request.params.customer)).size).toBe(1);
    for (const request of sessions) {
      expect(request.params).toEqual({
        mode: "subscription",
        customer: expect.stringMatching(/^cus_/),
        line_items: [{ price: PRO, quantity: "1" }],
        success_url: PAGES.successUrl,
        cancel_url: PAGES.cancelUrl,
        client_reference_id: user.id,
        metadata: { user_id: user.id },
        subscription_data: { metadata: { user_id: user.id } },
      });
      expect(request.idempotencyKey).toMatch(/^subscription-checkout-[0-9a-f]{64}$/);
    }
  });

  it("uses the customer the webhook recorded, and refuses a second subscription with 409", async () => {
    const user = await api.signUp();
    await expectJson(await checkout(user.accessToken, { tier: "premium", ...PAGES }), 201);
    const [first] = requestsTo("POST", "/v1/checkout/sessions").filter(
      (request) => request.params.client_reference_id === user.id,
    );
    const customerId = String(first?.params.customer);
    const created = stripeEvent("customer.created", {
      id: customerId,
      object: "customer",
      email: "subscriber@example.test",
      metadata: { user_id: user.id },
    });
    expect(await outcomeOf(created)).toBe("customer recorded");
    const customerCalls = requestsTo("POST", "/v1/customers", `customer-${user.id}`).length;

    const again = await expectJson<CheckoutCreated>(
      await checkout(user.accessToken, { tier: "premium", ...PAGES }),
      201,
    );
    expect(requestsTo("POST", "/v1/customers", `customer-${user.id}`)).toHaveLength(customerCalls);
    const { session } = stripe.completeSubscriptionCheckout(again.sessionId);
    expect(session).toMatchObject({ customer: customerId, client_reference_id: user.id });
    expect(await outcomeOf(stripeEvent("checkout.session.completed", session))).toBe(
      "subscription active (premium)",
    );

    await expectProblem(
      await checkout(user.accessToken, { tier: "pro", ...PAGES }),
      409,
      "conflict",
    );
    expect(requestsTo("POST", "/v1/customers", `customer-${user.id}`)).toHaveLength(customerCalls);
  });

  it("refuses an unknown tier, free, a foreign page or no Idempotency-Key, asking Stripe nothing", async () => {
    const user = await api.signUp();
    const before = stripe.requests.length;
    for (const tier of ["free", "gold", undefined]) {
      const refused = await expectProblem(
        await checkout(user.accessToken, { tier, ...PAGES }),
        400,
        "validation_failed",
      );
      expect(Object.keys(refused.errors ?? {})).toEqual(["tier"]);
    }
    for (const [field, url] of [
      ["successUrl", "https://evil.example/welcome"],
      ["cancelUrl", `${SPA_ORIGIN}@evil.example/plans`],
    ] as const) {
      const refused = await expectProblem(
        await checkout(user.accessToken, { tier: "pro", ...PAGES, [field]: url }),
        400,
        "validation_failed",
      );
      expect(Object.keys(refused.errors ?? {})).toEqual([field]);
    }
    await expectProblem(
      await send(api, "POST", "/api/subscriptions", {
        token: user.accessToken,
        body: { tier: "pro", ...PAGES },
      }),
      400,
      "idempotency_key_missing",
    );
    expect(stripe.requests.length).toBe(before);
    expect(await expectJson(await mine(user.accessToken), 200)).toEqual(FREE);
  });
});

describe("subscription events", () => {
  it("records Checkout's subscription, shown to its user only", async () => {
    const user = await subscriber("pro");
    const view = await expectJson<Record<string, unknown>>(await mine(user.accessToken), 200);
    expect(view).toEqual({
      tier: "pro",
      features: TIER_FEATURES.pro,
      tiers: TIER_FEATURES,
      subscription: {
        tier: "pro",
        status: "active",
        currentPeriodEnd: new Date(
          Number(stripe.subscription(user.subscriptionId).items.data[0]?.current_period_end) * 1000,
        ).toISOString(),
        cancelAtPeriodEnd: false,
      },
    });
    const { rows } = await api.supabase.db.query<{ user_id: string }>(
      "select user_id from public.billing_customers where stripe_customer_id = $1",
      [user.customerId],
    );
    expect(rows).toEqual([{ user_id: user.id }]);
  });

  it("takes events at the spec's /api/subscriptions/webhook too: the same handler and inbox", async () => {
    const user = await api.signUp();
    const created = await expectJson<CheckoutCreated>(
      await checkout(user.accessToken, { tier: "premium", ...PAGES }),
      201,
    );
    const { session } = stripe.completeSubscriptionCheckout(created.sessionId);
    const completed = stripeEvent("checkout.session.completed", session);
    expect(
      await expectJson(await deliver(completed, "/api/subscriptions/webhook"), 200),
    ).toMatchObject({ duplicate: false });
    expect(await expectJson(await mine(user.accessToken), 200)).toMatchObject({ tier: "premium" });
    // One inbox: the same event at the other path is a duplicate, processed nowhere again.
    expect(await expectJson(await deliver(completed), 200)).toMatchObject({ duplicate: true });
    // And the same signature check: a forged delivery stores nothing.
    const forged = await deliver(
      { ...stripeEvent("checkout.session.completed", session), signature: "t=1,v1=00" },
      "/api/subscriptions/webhook",
    );
    expect(forged.status).toBe(400);
  });

  it("applies one event delivered five times at once exactly once, answering 200 to each", async () => {
    const user = await subscriber("pro");
    const retrievals = () => requestsTo("GET", `/v1/subscriptions/${user.subscriptionId}`).length;
    const before = retrievals();
    stripe.renew(user.subscriptionId, false);
    const failed = stripeEvent("invoice.payment_failed", stripe.invoice(user.subscriptionId));
    const answers = await Promise.all(
      Array.from({ length: 5 }, () =>
        deliver(failed).then((r) => expectJson<{ duplicate: boolean }>(r, 200)),
      ),
    );
    expect(answers.filter((answer) => !answer.duplicate)).toHaveLength(1);
    expect(retrievals()).toBe(before + 1);
    expect(await outcomeOf(failed)).toBe("subscription past_due (pro)");
    expect(await expectJson(await mine(user.accessToken), 200)).toMatchObject({
      tier: "pro",
      subscription: { status: "past_due" },
    });

    stripe.renew(user.subscriptionId, true);
    const paid = stripeEvent("invoice.paid", stripe.invoice(user.subscriptionId));
    expect(await outcomeOf(paid)).toBe("subscription active (pro)");
  });

  it("converges on Stripe's latest state when an older update arrives after a newer one", async () => {
    const user = await subscriber("pro");
    const older = stripeEvent(
      "customer.subscription.updated",
      structuredClone(stripe.subscription(user.subscriptionId)),
    );
    await expectJson(
      await send(api, "PUT", "/api/subscriptions", {
        token: user.accessToken,
        body: { tier: "premium" },
      }),
      200,
    );
    const newer = stripeEvent(
      "customer.subscription.updated",
      structuredClone(stripe.subscription(user.subscriptionId)),
    );
    expect(await outcomeOf(newer)).toBe("subscription active (premium)");
    expect(await outcomeOf(older)).toBe("subscription active (premium)");
    expect(await expectJson(await mine(user.accessToken), 200)).toMatchObject({ tier: "premium" });
  });

  it("ignores customers and subscriptions that name no user of ours", async () => {
    const form = (body: string) =>
      fetch(`${stripe.url}${body.startsWith("mode") ? "/v1/checkout/sessions" : "/v1/customers"}`, {
        method: "POST",
        headers: {
          authorization: `Bearer ${stripe.secretKey}`,
          "content-type": "application/x-www-form-urlencoded",
        },
        body,
      }).then((r) => expectJson<{ id: string }>(r, 200));
    const customer = await form("email=walk-in@example.test");
    expect(
      await outcomeOf(stripeEvent("customer.created", { id: customer.id, object: "customer" })),
    ).toBe("ignored: not a customer of ours");
    const session = await form(
      `mode=subscription&customer=${customer.id}&line_items[0][price]=${PRO}&line_items[0][quantity]=1`,
    );
    const { subscription } = stripe.completeSubscriptionCheckout(session.id);
    expect(await outcomeOf(stripeEvent("customer.subscription.created", subscription))).toBe(
      "ignored: a customer of no user",
    );
    const { rows } = await api.supabase.db.query(
      "select 1 from public.subscriptions where stripe_subscription_id = $1",
      [subscription.id],
    );
    expect(rows).toEqual([]);
  });
});

describe("PUT /api/subscriptions", () => {
  it("moves the subscription to the tier's price through Stripe, and the webhook records it", async () => {
    const user = await subscriber("pro");
    const [item] = stripe.subscription(user.subscriptionId).items.data;
    const changed = await expectJson<Record<string, unknown>>(
      await send(api, "PUT", "/api/subscriptions", {
        token: user.accessToken,
        body: { tier: "premium" },
      }),
      200,
    );
    expect(changed).toMatchObject({ tier: "premium", status: "active", cancelAtPeriodEnd: false });
    const updates = requestsTo("POST", `/v1/subscriptions/${user.subscriptionId}`);
    expect(updates.map((request) => request.params)).toEqual([
      { items: [{ id: item?.id, price: PREMIUM }] },
    ]);
    // Until Stripe's event arrives, the stored state is the old one.
    expect(await expectJson(await mine(user.accessToken), 200)).toMatchObject({ tier: "pro" });
    const event = stripeEvent(
      "customer.subscription.updated",
      stripe.subscription(user.subscriptionId),
    );
    expect(await outcomeOf(event)).toBe("subscription active (premium)");
    expect(await expectJson(await mine(user.accessToken), 200)).toMatchObject({ tier: "premium" });

    // Asking for the tier it already has changes nothing in Stripe.
    await expectJson(
      await send(api, "PUT", "/api/subscriptions", {
        token: user.accessToken,
        body: { tier: "premium" },
      }),
      200,
    );
    expect(requestsTo("POST", `/v1/subscriptions/${user.subscriptionId}`)).toHaveLength(1);
  });

  it("keeps an older price of the tier, answers 404 without a subscription and 400 for free", async () => {
    const user = await subscriber("pro");
    const [item] = stripe.subscription(user.subscriptionId).items.data;
    if (item) item.price = { id: PRO_BEFORE };
    expect(
      await expectJson(
        await send(api, "PUT", "/api/subscriptions", {
          token: user.accessToken,
          body: { tier: "pro" },
        }),
        200,
      ),
    ).toMatchObject({ tier: "pro" });
    expect(requestsTo("POST", `/v1/subscriptions/${user.subscriptionId}`)).toHaveLength(0);

    const nobody = await api.signUp();
    await expectProblem(
      await send(api, "PUT", "/api/subscriptions", {
        token: nobody.accessToken,
        body: { tier: "pro" },
      }),
      404,
      "not_found",
    );
    await expectProblem(
      await send(api, "PUT", "/api/subscriptions", {
        token: user.accessToken,
        body: { tier: "free" },
      }),
      400,
      "validation_failed",
    );
  });
});

describe("DELETE /api/subscriptions", () => {
  it("cancels at the period's end through Stripe; the tier lasts until Stripe ends it", async () => {
    const user = await subscriber("pro");
    const cancelled = await expectJson<Record<string, unknown>>(
      await send(api, "DELETE", "/api/subscriptions", { token: user.accessToken }),
      200,
    );
    expect(cancelled).toMatchObject({ tier: "pro", status: "active", cancelAtPeriodEnd: true });
    expect(
      requestsTo("POST", `/v1/subscriptions/${user.subscriptionId}`).map((r) => r.params),
    ).toEqual([{ cancel_at_period_end: "true" }]);

    const updated = stripeEvent(
      "customer.subscription.updated",
      stripe.subscription(user.subscriptionId),
    );
    expect(await outcomeOf(updated)).toBe("subscription active (pro)");
    expect(await expectJson(await mine(user.accessToken), 200)).toMatchObject({
      tier: "pro",
      subscription: { cancelAtPeriodEnd: true },
    });

    stripe.endPeriod(user.subscriptionId);
    const deleted = stripeEvent(
      "customer.subscription.deleted",
      stripe.subscription(user.subscriptionId),
    );
    expect(await outcomeOf(deleted)).toBe("subscription canceled (pro)");
    expect(await expectJson(await mine(user.accessToken), 200)).toEqual(FREE);
    await expectProblem(
      await send(api, "DELETE", "/api/subscriptions", { token: user.accessToken }),
      404,
      "not_found",
    );
  });
});

describe("POST /api/subscriptions/portal", () => {
  it("opens Stripe's portal for the user's customer, returning only to our own pages", async () => {
    const user = await subscriber("premium");
    const portal = (token: string, returnUrl: string) =>
      send(api, "POST", "/api/subscriptions/portal", { token, body: { returnUrl } });
    const opened = await expectJson<{ url: string }>(
      await portal(user.accessToken, `${SPA_ORIGIN}/account`),
      201,
    );
    expect(opened.url).toMatch(/^https:\/\/billing\.stripe\.test\/p\/session\/bps_/);
    const [request] = requestsTo("POST", "/v1/billing_portal/sessions").filter(
      (r) => r.params.customer === user.customerId,
    );
    expect(request?.params).toEqual({
      customer: user.customerId,
      return_url: `${SPA_ORIGIN}/account`,
    });

    const refused = await expectProblem(
      await portal(user.accessToken, "https://evil.example/account"),
      400,
      "validation_failed",
    );
    expect(Object.keys(refused.errors ?? {})).toEqual(["returnUrl"]);
    const nobody = await api.signUp();
    await expectProblem(
      await portal(nobody.accessToken, `${SPA_ORIGIN}/account`),
      404,
      "not_found",
    );
  });
});

describe("plans that gate features", () => {
  /** A document whose jsonb text is `bytes` long ({"x": "…"} is the string plus 9 bytes). */
  const documentOf = (bytes: number) => ({ x: "y".repeat(bytes - 9) });
  const push = async (token: string, device: string, data: object = { theme: "dark" }) => {
    const current = await expectJson<{ version: number }>(
      await send(api, "GET", "/api/sync/settings", { token }),
      200,
    );
    return send(api, "PUT", "/api/sync/settings", {
      token,
      body: { baseVersion: current.version, schemaVersion: 1, device, data },
    });
  };
  const refused = async (response: Response, requiredTier: string, tier: string) => {
    const problem = await expectProblem(response, 402, "subscription_required");
    expect(problem).toMatchObject({ tier, requiredTier });
  };

  it("limits the settings size by tier, naming the cheapest tier that fits", async () => {
    const free = await api.signUp();
    const { settingsBytes: freeBytes } = TIER_FEATURES.free;
    const { settingsBytes: proBytes } = TIER_FEATURES.pro;
    await expectJson(await push(free.accessToken, "laptop", documentOf(freeBytes)), 200);
    await refused(await push(free.accessToken, "laptop", documentOf(freeBytes + 1)), "pro", "free");
    await refused(
      await send(api, "PUT", "/api/users/me/settings", {
        token: free.accessToken,
        body: { baseVersion: 1, schemaVersion: 1, data: documentOf(proBytes + 1) },
      }),
      "premium",
      "free",
    );
    const pro = await subscriber("pro");
    await expectJson(await push(pro.accessToken, "laptop", documentOf(proBytes)), 200);
    await refused(
      await push(pro.accessToken, "laptop", documentOf(proBytes + 1)),
      "premium",
      "pro",
    );
  });

  it("limits the devices that sync by tier; devices already syncing keep syncing", async () => {
    const free = await api.signUp();
    await expectJson(await push(free.accessToken, "laptop"), 200);
    await expectJson(await push(free.accessToken, "laptop"), 200);
    await refused(await push(free.accessToken, "phone"), "pro", "free");

    const pro = await subscriber("pro");
    const devices = Array.from(
      { length: TIER_FEATURES.pro.syncedDevices },
      (_, n) => `device ${n}`,
    );
    for (const device of devices) await expectJson(await push(pro.accessToken, device), 200);
    await refused(await push(pro.accessToken, "one too many"), "premium", "pro");
  });

  it("keeps pro through a failed renewal's grace, and gates again after the downgrade to free", async () => {
    const user = await subscriber("pro");
    const large = documentOf(TIER_FEATURES.free.settingsBytes + 100);
    await expectJson(await push(user.accessToken, "laptop", large), 200);
    await expectJson(await push(user.accessToken, "phone"), 200);

    stripe.renew(user.subscriptionId, false);
    const failed = stripeEvent("invoice.payment_failed", stripe.invoice(user.subscriptionId));
    expect(await outcomeOf(failed)).toBe("subscription past_due (pro)");
    await expectJson(await push(user.accessToken, "tablet", large), 200);

    stripe.endPeriod(user.subscriptionId);
    const deleted = stripeEvent(
      "customer.subscription.deleted",
      stripe.subscription(user.subscriptionId),
    );
    expect(await outcomeOf(deleted)).toBe("subscription canceled (pro)");
    expect(await expectJson(await mine(user.accessToken), 200)).toEqual(FREE);
    // What was stored stays readable; a write must fit the tier the account has now.
    const stored = await expectJson<{ data: unknown }>(
      await send(api, "GET", "/api/sync/settings", { token: user.accessToken }),
      200,
    );
    expect(stored.data).toEqual(large);
    await refused(await push(user.accessToken, "laptop", large), "pro", "free");
    await expectJson(await push(user.accessToken, "laptop"), 200);
    await refused(await push(user.accessToken, "new laptop"), "premium", "free");
  });
});
