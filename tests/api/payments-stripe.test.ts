// Paying with Stripe through the API, with the real `stripe` SDK talking to a network-level fake
// of Stripe's API (tests/helpers/fake-stripe.ts): create-intent prices from the server and passes
// an idempotency key to Stripe, confirm records only what Stripe reports and only for the
// caller's own payment, and create-checkout returns only to our own origins.
//
// Each hold is with a practitioner of its own (tests/helpers/booking-hold.ts).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SPA_ORIGIN, startTestApi, type TestApi } from "../helpers/api.js";
import { holdBooking } from "../helpers/booking-hold.js";
import { type FakeStripe, startFakeStripe } from "../helpers/fake-stripe.js";
import { expectJson, expectProblem, post } from "../helpers/requests.js";
import { stripeEvent, TEST_WEBHOOK_SECRET } from "../helpers/stripe-events.js";
import { PROJECT_SEED } from "../helpers/supabase.js";

let api: TestApi;
let stripe: FakeStripe;
beforeAll(async () => {
  stripe = await startFakeStripe();
  api = await startTestApi({
    seedFile: PROJECT_SEED,
    env: {
      STRIPE_SECRET_KEY: stripe.secretKey,
      STRIPE_WEBHOOK_SECRET: TEST_WEBHOOK_SECRET,
      STRIPE_API_URL: stripe.url,
    },
  });
});
afterAll(async () => {
  await api?.close();
  await stripe?.close();
});

interface IntentCreated {
  clientSecret: string;
  paymentIntentId: string;
  amount: number;
  currency: string;
  paymentId: string;
}

async function createIntent(token: string, body: object): Promise<IntentCreated> {
  return expectJson<IntentCreated>(
    await post(api, "/api/payments/create-intent", body, { token, key: crypto.randomUUID() }),
    201,
  );
}

const confirm = (token: string, paymentIntentId: string) =>
  post(api, "/api/payments/confirm", { paymentIntentId }, { token });

async function row(table: "payments" | "bookings", id: string) {
  const { rows } = await api.supabase.db.query<Record<string, unknown>>(
    `select * from public.${table} where id = $1`,
    [id],
  );
  return rows[0];
}

async function paymentsOf(userId: string) {
  const { rows } = await api.supabase.db.query<{ id: string }>(
    "select id from public.payments where user_id = $1",
    [userId],
  );
  return rows;
}

const intentsFor = (paymentId: string) =>
  stripe.requests.filter(
    (request) =>
      request.method === "POST" &&
      request.path === "/v1/payment_intents" &&
      request.idempotencyKey === `intent-${paymentId}`,
  );

describe("create-intent", () => {
  it("prices a hold from the server, and refuses an amount or currency from the client", async () => {
    const user = await api.signUp();
    const bookingId = await holdBooking(api, user.accessToken);
    for (const extra of [{ amount: 1 }, { currency: "USD" }]) {
      const refused = await expectProblem(
        await post(
          api,
          "/api/payments/create-intent",
          { bookingId, ...extra },
          { token: user.accessToken, key: crypto.randomUUID() },
        ),
        400,
        "validation_failed",
      );
      expect(JSON.stringify(refused.errors)).toMatch(/amount|currency/);
    }
    expect(await paymentsOf(user.id)).toEqual([]);

    const created = await createIntent(user.accessToken, { bookingId });
    expect(created).toMatchObject({ amount: 250000, currency: "INR" });
    expect(created.clientSecret).toMatch(new RegExp(`^${created.paymentIntentId}_secret_`));
    expect(stripe.intent(created.paymentIntentId)).toMatchObject({
      amount: 250000,
      currency: "inr",
      metadata: { payment_id: created.paymentId, booking_id: bookingId },
      automatic_payment_methods: { enabled: true },
    });
    expect(intentsFor(created.paymentId)).toHaveLength(1);
    expect(await row("payments", created.paymentId)).toMatchObject({
      provider: "stripe",
      provider_order_id: created.paymentIntentId,
      booking_id: bookingId,
      user_id: user.id,
      status: "created",
      currency: "INR",
    });
  });

  it("prices a session from the catalogue in the currency asked for", async () => {
    const user = await api.signUp();
    const created = await createIntent(user.accessToken, {
      sessionType: "individual",
      format: "in_person",
      currency: "USD",
    });
    expect(created).toMatchObject({ amount: 7000, currency: "USD" });
    expect(stripe.intent(created.paymentIntentId)).toMatchObject({ amount: 7000, currency: "usd" });
    // Without a format: the session type's default (video, which it has a price for).
    expect(
      await expectJson<IntentCreated>(
        await post(
          api,
          "/api/payments/create-intent",
          { sessionType: "individual" },
          { token: user.accessToken, key: crypto.randomUUID() },
        ),
        201,
      ),
    ).toMatchObject({ amount: 250000, currency: "INR" });
    await expectProblem(
      await post(api, "/api/payments/create-intent", {}, { token: user.accessToken }),
      400,
      "validation_failed",
    );
  });

  it("creates one intent per Idempotency-Key, and refuses the key for another body", async () => {
    const user = await api.signUp();
    const key = crypto.randomUUID();
    const body = { sessionType: "couples", format: "video" };
    const first = await expectJson<IntentCreated>(
      await post(api, "/api/payments/create-intent", body, { token: user.accessToken, key }),
      201,
    );
    const retry = await post(api, "/api/payments/create-intent", body, {
      token: user.accessToken,
      key,
    });
    expect(retry.headers.get("idempotent-replayed")).toBe("true");
    expect(await expectJson(retry, 201)).toEqual(first);
    expect(await paymentsOf(user.id)).toHaveLength(1);
    expect(intentsFor(first.paymentId)).toHaveLength(1);

    await expectProblem(
      await post(
        api,
        "/api/payments/create-intent",
        { ...body, format: "in_person" },
        { token: user.accessToken, key },
      ),
      422,
      "idempotency_key_reused",
    );
    expect(await paymentsOf(user.id)).toHaveLength(1);
    // The key is optional (the therapy spec sends none): without one, each call is a new intent.
    await expectJson(
      await post(api, "/api/payments/create-intent", body, { token: user.accessToken }),
      201,
    );
    expect(await paymentsOf(user.id)).toHaveLength(2);
  });
});

describe("confirm", () => {
  it("records what Stripe reports: not paid yet, then captured with the hold confirmed", async () => {
    const user = await api.signUp();
    const bookingId = await holdBooking(api, user.accessToken);
    const created = await createIntent(user.accessToken, { bookingId });

    expect(await expectJson(await confirm(user.accessToken, created.paymentIntentId), 200)).toEqual(
      {
        paymentId: created.paymentId,
        status: "created",
        bookingStatus: "held",
      },
    );

    stripe.pay(created.paymentIntentId);
    const confirmed = {
      paymentId: created.paymentId,
      status: "captured",
      bookingStatus: "confirmed",
    };
    expect(await expectJson(await confirm(user.accessToken, created.paymentIntentId), 200)).toEqual(
      confirmed,
    );
    expect(await expectJson(await confirm(user.accessToken, created.paymentIntentId), 200)).toEqual(
      confirmed,
    );
    expect(await row("payments", created.paymentId)).toMatchObject({
      status: "captured",
      provider_payment_id: created.paymentIntentId,
    });
    expect(await row("bookings", bookingId)).toMatchObject({
      status: "confirmed",
      paid_by_payment_id: created.paymentId,
    });
  });

  it("records a declined card as failed, and a later successful attempt as captured", async () => {
    const user = await api.signUp();
    const created = await createIntent(user.accessToken, {
      sessionType: "individual",
      format: "video",
    });
    stripe.decline(created.paymentIntentId);
    expect(await expectJson(await confirm(user.accessToken, created.paymentIntentId), 200)).toEqual(
      {
        paymentId: created.paymentId,
        status: "failed",
        bookingStatus: null,
      },
    );
    expect(await row("payments", created.paymentId)).toMatchObject({
      failure_reason: "card_declined: insufficient_funds",
    });
    stripe.pay(created.paymentIntentId);
    expect(
      await expectJson(await confirm(user.accessToken, created.paymentIntentId), 200),
    ).toMatchObject({ status: "captured" });
  });

  it("is 404 for another customer's intent, paid or not, and changes nothing", async () => {
    const [alice, mallory] = [await api.signUp(), await api.signUp()];
    const created = await createIntent(alice.accessToken, {
      sessionType: "individual",
      format: "video",
    });
    stripe.pay(created.paymentIntentId);
    await expectProblem(
      await confirm(mallory.accessToken, created.paymentIntentId),
      404,
      "not_found",
    );
    await expectProblem(await confirm(mallory.accessToken, "pi_doesnotexist"), 404, "not_found");
    expect(await row("payments", created.paymentId)).toMatchObject({
      status: "created",
      captured_at: null,
    });
    await expectProblem(
      await post(
        api,
        "/api/payments/confirm",
        { paymentIntentId: created.paymentIntentId, status: "succeeded" },
        { token: mallory.accessToken },
      ),
      400,
      "validation_failed",
    );
  });
});

describe("create-checkout", () => {
  const checkoutBody = (overrides: object = {}) => ({
    sessionType: "individual",
    format: "video",
    customer: { email: "payer@example.test" },
    successUrl: `${SPA_ORIGIN}/paid?session_id={CHECKOUT_SESSION_ID}`,
    cancelUrl: `${SPA_ORIGIN}/book`,
    ...overrides,
  });

  it("refuses to send the customer back to any other origin", async () => {
    const user = await api.signUp();
    const checkoutsBefore = stripe.requests.filter((r) => r.path === "/v1/checkout/sessions");
    for (const [field, url] of [
      ["successUrl", "https://evil.example/paid"],
      ["successUrl", `${SPA_ORIGIN}@evil.example/paid`],
      ["cancelUrl", `${SPA_ORIGIN}.evil.example/book`],
      ["cancelUrl", "javascript:alert(1)"],
    ] as const) {
      const refused = await expectProblem(
        await post(api, "/api/payments/create-checkout", checkoutBody({ [field]: url }), {
          token: user.accessToken,
          key: crypto.randomUUID(),
        }),
        400,
        "validation_failed",
      );
      expect(Object.keys(refused.errors ?? {})).toEqual([field]);
    }
    expect(await paymentsOf(user.id)).toEqual([]);
    expect(stripe.requests.filter((r) => r.path === "/v1/checkout/sessions")).toEqual(
      checkoutsBefore,
    );
  });

  it("creates a session priced by the server, and the completed checkout confirms the hold", async () => {
    const user = await api.signUp();
    const bookingId = await holdBooking(api, user.accessToken);
    const created = await expectJson<{ sessionId: string; url: string; paymentId: string }>(
      await post(
        api,
        "/api/payments/create-checkout",
        checkoutBody({ bookingId, cancelUrl: `${api.url}/book` }),
        { token: user.accessToken, key: crypto.randomUUID() },
      ),
      201,
    );
    expect(created.url).toBe(`https://checkout.stripe.test/c/pay/${created.sessionId}`);
    expect(await row("payments", created.paymentId)).toMatchObject({
      provider: "stripe",
      provider_order_id: null,
      booking_id: bookingId,
      status: "created",
    });

    const { session, intent } = stripe.completeCheckout(created.sessionId);
    expect(session).toMatchObject({
      amount_total: 250000,
      currency: "inr",
      mode: "payment",
      customer_email: "payer@example.test",
      success_url: `${SPA_ORIGIN}/paid?session_id={CHECKOUT_SESSION_ID}`,
      metadata: { payment_id: created.paymentId, booking_id: bookingId },
    });
    expect(intent.metadata).toEqual({ payment_id: created.paymentId, booking_id: bookingId });
    const delivery = stripeEvent("checkout.session.completed", session);
    const received = await post(api, "/api/webhooks/stripe", delivery.body, {
      headers: { "stripe-signature": delivery.signature },
    });
    expect(await expectJson(received, 200)).toEqual({ received: true, duplicate: false });
    expect(await row("payments", created.paymentId)).toMatchObject({
      status: "captured",
      provider_order_id: intent.id,
      provider_payment_id: intent.id,
    });
    expect(await row("bookings", bookingId)).toMatchObject({
      status: "confirmed",
      paid_by_payment_id: created.paymentId,
    });
  });
});
