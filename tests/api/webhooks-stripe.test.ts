// Stripe's webhook through the API, with the real `stripe` SDK talking to a network-level fake of
// Stripe's API and every delivery signed with the SDK's generateTestHeaderString: a signature that
// does not verify stores nothing, each event is processed once however often it comes, events in
// any order converge on Stripe's state, dashboard refunds reach the ledger and ours are not
// counted twice, and everything else is answered 200 and recorded.
//
// Each hold is with a practitioner of its own (tests/helpers/booking-hold.ts).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApi, type TestApi } from "../helpers/api.js";
import { holdBooking } from "../helpers/booking-hold.js";
import { type FakeStripe, startFakeStripe } from "../helpers/fake-stripe.js";
import { expectJson } from "../helpers/requests.js";
import {
  type Delivery,
  signStripeBody,
  stripeEvent,
  TEST_WEBHOOK_SECRET,
} from "../helpers/stripe-events.js";
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

function deliver(
  delivery: Pick<Delivery, "body" | "signature">,
  path = "/api/webhooks/stripe",
): Promise<Response> {
  return fetch(`${api.url}${path}`, {
    method: "POST",
    headers: { "content-type": "application/json", "stripe-signature": delivery.signature },
    body: delivery.body,
  });
}

/** Delivers the event and answers what processing concluded. */
async function outcomeOf(delivery: Delivery, path?: string): Promise<string | null> {
  await expectJson(await deliver(delivery, path), 200);
  return (await storedEvents(delivery.eventId))[0]?.outcome ?? null;
}

async function storedEvents(eventId: string) {
  const { rows } = await api.supabase.db.query<{ outcome: string | null; event_type: string }>(
    "select outcome, event_type from public.webhook_events where provider = 'stripe' and event_id = $1",
    [eventId],
  );
  return rows;
}

/** A payment through POST /api/payments/create-intent: for the caller's hold, or the catalogue's. */
async function payment(hold?: { token: string; bookingId: string }) {
  const token = hold?.token ?? (await api.signUp()).accessToken;
  const bookingId = hold?.bookingId;
  const response = await fetch(`${api.url}/api/payments/create-intent`, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      authorization: `Bearer ${token}`,
      "idempotency-key": crypto.randomUUID(),
    },
    body: JSON.stringify(bookingId ? { bookingId } : { sessionType: "family", format: "video" }),
  });
  return expectJson<{ paymentIntentId: string; paymentId: string; amount: number }>(response, 201);
}

async function paymentRow(id: string) {
  const { rows } = await api.supabase.db.query<Record<string, unknown>>(
    "select status, refunded_minor::int as refunded, captured_at, failure_reason from public.payments where id = $1",
    [id],
  );
  return rows[0];
}

async function refundsOf(paymentId: string) {
  const { rows } = await api.supabase.db.query<Record<string, unknown>>(
    "select provider_refund_id, amount_minor::int as amount, status, requested_by from public.refunds where payment_id = $1 order by created_at",
    [paymentId],
  );
  return rows;
}

async function bookingStatus(id: string) {
  const { rows } = await api.supabase.db.query<{ status: string }>(
    "select status from public.bookings where id = $1",
    [id],
  );
  return rows[0]?.status;
}

const retrievals = (intentId: string) =>
  stripe.requests.filter(
    (request) => request.method === "GET" && request.path === `/v1/payment_intents/${intentId}`,
  ).length;

describe("verifying deliveries", () => {
  it("refuses a bad signature, a stale one and a re-serialized body with 400, storing nothing", async () => {
    const paid = await payment();
    stripe.pay(paid.paymentIntentId);
    const genuine = stripeEvent("payment_intent.succeeded", stripe.intent(paid.paymentIntentId));
    const flipped = genuine.signature.replace(
      /v1=(.)/,
      (_, c: string) => `v1=${c === "a" ? "b" : "a"}`,
    );
    const attempts: { body: string; signature: string }[] = [
      { body: genuine.body, signature: flipped },
      { body: genuine.body, signature: "" },
      {
        body: genuine.body,
        signature: signStripeBody(genuine.body, Math.floor(Date.now() / 1000) - 301),
      },
      { body: JSON.stringify(JSON.parse(genuine.body), null, 2), signature: genuine.signature },
      {
        body: genuine.body.replace(paid.paymentIntentId, "pi_other"),
        signature: genuine.signature,
      },
    ];
    for (const attempt of attempts) {
      const response = await deliver(attempt);
      expect(await expectJson(response, 400)).toMatchObject({ code: "webhook_signature_invalid" });
    }
    expect(await storedEvents(genuine.eventId)).toEqual([]);
    expect(await paymentRow(paid.paymentId)).toMatchObject({ status: "created" });
    expect(retrievals(paid.paymentIntentId)).toBe(0);

    expect(await outcomeOf(genuine)).toBe("captured");
  });

  it("accepts a large genuine event (an invoice of 600 lines, about 200 KB) at both addresses", async () => {
    const line = (n: number) => ({
      id: `il_${String(n).padStart(24, "0")}`,
      object: "line_item",
      amount: 1200,
      currency: "usd",
      description: `Seat ${n} × Team plan (at $12.00 / month), billed for the period of one month`,
      period: { start: 1_780_000_000, end: 1_782_592_000 },
      pricing: { price_details: { price: "price_team_seat", product: "prod_team" } },
      quantity: 1,
      metadata: {},
    });
    const invoice = {
      id: "in_large_invoice",
      object: "invoice",
      customer: "cus_large",
      parent: null,
      lines: { object: "list", data: Array.from({ length: 600 }, (_, n) => line(n)) },
    };
    for (const path of ["/api/webhooks/stripe", "/api/payments/webhook"]) {
      const delivery = stripeEvent("invoice.paid", invoice);
      expect(Buffer.byteLength(delivery.body)).toBeGreaterThan(200_000);
      expect(await outcomeOf(delivery, path)).toBe("ignored: not a subscription's");
    }
  });
});

describe("payment events", () => {
  it("applies one event delivered five times at once exactly once, answering 200 to each", async () => {
    const user = await api.signUp();
    const bookingId = await holdBooking(api, user.accessToken);
    const paid = await payment({ token: user.accessToken, bookingId });
    stripe.pay(paid.paymentIntentId);
    const delivery = stripeEvent("payment_intent.succeeded", stripe.intent(paid.paymentIntentId));
    const answers = await Promise.all(
      Array.from({ length: 5 }, () =>
        deliver(delivery).then((r) => expectJson<{ duplicate: boolean }>(r, 200)),
      ),
    );
    expect(answers.filter((answer) => !answer.duplicate)).toHaveLength(1);
    expect(await storedEvents(delivery.eventId)).toEqual([
      { outcome: "captured", event_type: "payment_intent.succeeded" },
    ]);
    expect(retrievals(paid.paymentIntentId)).toBe(1);
    expect(await paymentRow(paid.paymentId)).toMatchObject({ status: "captured" });
    expect(await bookingStatus(bookingId)).toBe("confirmed");
  });

  it("captures once when different events for one payment race each other", async () => {
    const paid = await payment();
    stripe.pay(paid.paymentIntentId);
    const intent = stripe.intent(paid.paymentIntentId);
    const deliveries = Array.from({ length: 5 }, () =>
      stripeEvent("payment_intent.succeeded", intent),
    );
    const outcomes = await Promise.all(deliveries.map((delivery) => outcomeOf(delivery)));
    expect(outcomes.sort()).toEqual([
      "already captured",
      "already captured",
      "already captured",
      "already captured",
      "captured",
    ]);
  });

  it("reads the intent afresh, so a stale failure event cannot undo a capture", async () => {
    const paid = await payment();
    stripe.decline(paid.paymentIntentId);
    const failed = stripeEvent(
      "payment_intent.payment_failed",
      stripe.intent(paid.paymentIntentId),
    );
    expect(await outcomeOf(failed)).toBe("failed");
    expect(await paymentRow(paid.paymentId)).toMatchObject({
      status: "failed",
      failure_reason: "card_declined: insufficient_funds",
    });

    stripe.pay(paid.paymentIntentId);
    const stale = stripeEvent("payment_intent.payment_failed", { id: paid.paymentIntentId });
    expect(await outcomeOf(stale)).toBe("captured");
    expect(await paymentRow(paid.paymentId)).toMatchObject({ status: "captured" });
  });

  it("answers unhandled types and other people's payments with 200 and records them", async () => {
    expect(
      await outcomeOf(stripeEvent("product.created", { id: "prod_123", object: "product" })),
    ).toBe("ignored: unhandled type");
    const foreign = await fetch(`${stripe.url}/v1/payment_intents`, {
      method: "POST",
      headers: {
        authorization: `Bearer ${stripe.secretKey}`,
        "content-type": "application/x-www-form-urlencoded",
      },
      body: "amount=500&currency=usd",
    }).then((r) => expectJson<{ id: string }>(r, 200));
    stripe.pay(foreign.id);
    expect(
      await outcomeOf(stripeEvent("payment_intent.succeeded", stripe.intent(foreign.id))),
    ).toBe("ignored: unknown payment");
  });

  it("is also served at /api/payments/webhook", async () => {
    const paid = await payment();
    stripe.pay(paid.paymentIntentId);
    const delivery = stripeEvent("payment_intent.succeeded", stripe.intent(paid.paymentIntentId));
    expect(await outcomeOf(delivery, "/api/payments/webhook")).toBe("captured");
    const again = await deliver(delivery, "/api/payments/webhook");
    expect(await expectJson(again, 200)).toEqual({ received: true, duplicate: true });
  });
});

describe("refund and dispute events", () => {
  it("applies a refund event that overtakes the success event, and never goes back", async () => {
    const paid = await payment();
    stripe.pay(paid.paymentIntentId);
    const succeeded = stripeEvent("payment_intent.succeeded", stripe.intent(paid.paymentIntentId));
    const refund = stripe.dashboardRefund(paid.paymentIntentId);
    const refunded = stripeEvent("charge.refunded", stripe.charge(paid.paymentIntentId));

    expect(await outcomeOf(refunded)).toBe("dashboard refunds: 1");
    expect(await paymentRow(paid.paymentId)).toMatchObject({
      status: "refunded",
      refunded: paid.amount,
    });
    expect(await outcomeOf(succeeded)).toBe("already captured");
    expect(await paymentRow(paid.paymentId)).toMatchObject({
      status: "refunded",
      refunded: paid.amount,
    });
    expect(await refundsOf(paid.paymentId)).toEqual([
      {
        provider_refund_id: refund.id,
        amount: paid.amount,
        status: "succeeded",
        requested_by: null,
      },
    ]);
  });

  it("records refunds made in Stripe's dashboard once each, whichever events announce them", async () => {
    const user = await api.signUp();
    const bookingId = await holdBooking(api, user.accessToken);
    const paid = await payment({ token: user.accessToken, bookingId });
    stripe.pay(paid.paymentIntentId);
    await outcomeOf(stripeEvent("payment_intent.succeeded", stripe.intent(paid.paymentIntentId)));

    const part = stripe.dashboardRefund(paid.paymentIntentId, 100000);
    expect(
      await outcomeOf(stripeEvent("charge.refunded", stripe.charge(paid.paymentIntentId))),
    ).toBe("dashboard refunds: 1");
    expect(await outcomeOf(stripeEvent("refund.updated", part))).toBe("dashboard refunds: 1");
    expect(await paymentRow(paid.paymentId)).toMatchObject({
      status: "partially_refunded",
      refunded: 100000,
    });

    const rest = stripe.dashboardRefund(paid.paymentIntentId);
    expect(await outcomeOf(stripeEvent("refund.created", rest))).toBe("dashboard refunds: 2");
    expect(await paymentRow(paid.paymentId)).toMatchObject({
      status: "refunded",
      refunded: 250000,
    });
    expect((await refundsOf(paid.paymentId)).map((r) => r.provider_refund_id)).toEqual([
      part.id,
      rest.id,
    ]);
  });

  it("does not count a refund made through our refund flow a second time", async () => {
    const admin = await api.signUp({ roles: ["admin"] });
    const paid = await payment();
    stripe.pay(paid.paymentIntentId);
    await outcomeOf(stripeEvent("payment_intent.succeeded", stripe.intent(paid.paymentIntentId)));
    const refunded = await fetch(`${api.url}/api/payments/refund`, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        authorization: `Bearer ${admin.accessToken}`,
        "idempotency-key": crypto.randomUUID(),
      },
      body: JSON.stringify({ paymentId: paid.paymentId, amount: 5000, reason: "Goodwill" }),
    });
    await expectJson(refunded, 201);
    const [ours] = await refundsOf(paid.paymentId);
    expect(ours).toMatchObject({ amount: 5000, status: "succeeded" });

    const echo = stripeEvent("charge.refunded", stripe.charge(paid.paymentIntentId));
    expect(await outcomeOf(echo)).toBe("dashboard refunds: 0");
    expect(await refundsOf(paid.paymentId)).toEqual([ours]);
    expect(await paymentRow(paid.paymentId)).toMatchObject({
      status: "partially_refunded",
      refunded: 5000,
    });
  });

  it("records a dispute in the ledger beside its payment", async () => {
    const paid = await payment();
    stripe.pay(paid.paymentIntentId);
    await outcomeOf(stripeEvent("payment_intent.succeeded", stripe.intent(paid.paymentIntentId)));
    const disputeId = `dp_${crypto.randomUUID().replaceAll("-", "")}`;
    const dispute = stripeEvent("charge.dispute.created", {
      id: disputeId,
      object: "dispute",
      amount: paid.amount,
      currency: "inr",
      payment_intent: paid.paymentIntentId,
      reason: "fraudulent",
      status: "needs_response",
    });
    expect(await outcomeOf(dispute)).toBe(
      `dispute: needs_response, fraudulent, ${paid.amount} INR (${disputeId})`,
    );
    expect(await paymentRow(paid.paymentId)).toMatchObject({ status: "captured" });
    const { rows } = await api.supabase.db.query(
      "select payment_id, status, reason, currency from public.payment_disputes where provider_dispute_id = $1",
      [disputeId],
    );
    expect(rows).toEqual([
      {
        payment_id: paid.paymentId,
        status: "needs_response",
        reason: "fraudulent",
        currency: "INR",
      },
    ]);
  });
});
