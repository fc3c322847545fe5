// Razorpay's webhook (and the local sandbox's) through the dev server against the local stack,
// with the real SDK talking to a network-level fake of Razorpay's API (RAZORPAY_API_URL). Holds
// are paid for through POST /api/payments/create-order, which uses Razorpay once its keys are
// set; events are signed as Razorpay signs them (tests/lib/payments/razorpay.test.ts checks the
// scheme against the SDK's own helper). Every event is a nudge: the payment is re-fetched from
// the fake, so what the fake holds is what the ledger ends with, whatever order events come in.
//
// Each hold is with a practitioner of its own unless a test names one (tests/helpers/
// booking-hold.ts), and every other id is this run's own, so other files' rows in a shared
// database, or an earlier run's, change nothing here.
import { createHmac, randomBytes, randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sandboxPaymentId, sandboxWebhookSignature } from "../../lib/payments/providers/sandbox.js";
import { startTestApi, TEST_CRON_SECRET, type TestApi } from "../helpers/api.js";
import { type HoldSlot, holdBooking } from "../helpers/booking-hold.js";
import {
  type FakePayment,
  type FakeRazorpay,
  razorpayEvent,
  startFakeRazorpay,
} from "../helpers/fake-razorpay.js";
import { newPractitioner } from "../helpers/practitioner.js";
import { expectJson, post } from "../helpers/requests.js";
import { PROJECT_SEED } from "../helpers/supabase.js";

const KEY_ID = "rzp_test_bastion_fake";
const KEY_SECRET = "fake-razorpay-key-secret";
const WEBHOOK_SECRET = "fake-razorpay-webhook-secret";

let fake: FakeRazorpay;
let api: TestApi;
beforeAll(async () => {
  fake = await startFakeRazorpay(KEY_ID, KEY_SECRET);
  api = await startTestApi({
    seedFile: PROJECT_SEED,
    env: {
      RAZORPAY_KEY_ID: KEY_ID,
      RAZORPAY_KEY_SECRET: KEY_SECRET,
      RAZORPAY_WEBHOOK_SECRET: WEBHOOK_SECRET,
      RAZORPAY_API_URL: fake.url,
    },
  });
});
afterAll(async () => {
  await api?.close();
  await fake?.close();
});

/** A signed-in customer's live hold on an individual session (₹2,500.00). */
const holdFor = (token: string, slot?: HoldSlot) => holdBooking(api, token, slot);

interface Order {
  orderId: string;
  amount: number;
  keyId: string;
  paymentId: string;
}

function order(token: string, bookingId: string): Promise<Order> {
  const body = { sessionType: "individual", format: "video", bookingId };
  return post(api, "/api/payments/create-order", body, { token, key: randomUUID() }).then((r) =>
    expectJson<Order>(r, 201),
  );
}

/** A customer with a hold and a Razorpay order for it. */
async function orderedHold(slot?: HoldSlot) {
  const user = await api.signUp();
  const bookingId = await holdFor(user.accessToken, slot);
  return { user, bookingId, order: await order(user.accessToken, bookingId) };
}

const sign = (raw: string, secret = WEBHOOK_SECRET) =>
  createHmac("sha256", secret).update(raw).digest("hex");
const newEventId = () => `evt_${randomBytes(8).toString("hex")}`;

interface Delivery {
  eventId?: string | null;
  raw?: string;
  signature?: string | null;
  path?: string;
}

/** Posts the event as Razorpay does: signed over the exact bytes sent, with its event id. */
function deliver(event: unknown, delivery: Delivery = {}): Promise<Response> {
  const raw = delivery.raw ?? JSON.stringify(event);
  const eventId = delivery.eventId === undefined ? newEventId() : delivery.eventId;
  const signature = delivery.signature === undefined ? sign(raw) : delivery.signature;
  return fetch(`${api.url}${delivery.path ?? "/api/webhooks/razorpay"}`, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      ...(eventId !== null && { "x-razorpay-event-id": eventId }),
      ...(signature !== null && { "x-razorpay-signature": signature }),
    },
    body: raw,
  });
}

/** Delivers the event and answers what processing it concluded. */
async function outcomeOf(event: unknown, delivery: Delivery = {}): Promise<string | undefined> {
  const eventId = delivery.eventId ?? newEventId();
  expect(await expectJson(await deliver(event, { ...delivery, eventId }), 200)).toEqual({
    received: true,
    duplicate: false,
  });
  const provider = delivery.path === "/api/webhooks/sandbox" ? "sandbox" : "razorpay";
  const stored = await inbox(eventId, provider);
  expect(stored?.last_error).toBeNull();
  return stored?.outcome ?? undefined;
}

const captured = (payment: FakePayment) => razorpayEvent("payment.captured", { payment });

async function inbox(eventId: string, provider = "razorpay") {
  const { rows } = await api.supabase.db.query<{
    outcome: string | null;
    payload: unknown;
    processed_at: string | null;
    last_error: string | null;
  }>(
    "select outcome, payload, processed_at, last_error from public.webhook_events where provider = $1 and event_id = $2",
    [provider, eventId],
  );
  return rows[0];
}

async function row(table: "payments" | "bookings", id: string) {
  const { rows } = await api.supabase.db.query<Record<string, unknown>>(
    `select * from public.${table} where id = $1`,
    [id],
  );
  return rows[0];
}

/** Amounts as numbers: pg and PGlite answer bigint columns differently. */
async function paymentState(id: string) {
  const payment = await row("payments", id);
  return {
    status: payment?.status,
    refundedMinor: Number(payment?.refunded_minor),
    captured: payment?.captured_at !== null,
  };
}

async function refundsOf(paymentId: string) {
  const { rows } = await api.supabase.db.query<{
    amount_minor: string;
    status: string;
    provider_refund_id: string | null;
  }>(
    "select amount_minor, status, provider_refund_id from public.refunds where payment_id = $1 order by created_at",
    [paymentId],
  );
  return rows.map((r) => ({
    amount: Number(r.amount_minor),
    status: r.status,
    providerRefundId: r.provider_refund_id,
  }));
}

async function transitions(bookingId: string) {
  const { rows } = await api.supabase.db.query<{ from_status: string | null; to_status: string }>(
    "select from_status, to_status from public.booking_events where booking_id = $1 order by id",
    [bookingId],
  );
  return rows;
}

/** The refunds the fake was asked to make for the payment. */
const refundRequests = (paymentId: string) =>
  fake.requests.filter((r) => r.method === "POST" && r.path === `/v1/payments/${paymentId}/refund`);

describe("the Razorpay webhook", () => {
  it("captures the payment and confirms the hold, keeping no personal data in the inbox", async () => {
    const { bookingId, order: o } = await orderedHold();
    expect(o.keyId).toBe(KEY_ID);
    expect(fake.requests).toContainEqual({
      method: "POST",
      path: "/v1/orders",
      body: { amount: 250000, currency: "INR", receipt: o.paymentId },
      authorized: true,
    });
    const paid = fake.pay(o.orderId);
    const eventId = newEventId();
    expect(await outcomeOf(captured(paid), { eventId })).toBe("captured");
    expect(await row("payments", o.paymentId)).toMatchObject({
      status: "captured",
      provider_payment_id: paid.id,
    });
    expect(await paymentState(o.paymentId)).toMatchObject({ captured: true });
    expect(await row("bookings", bookingId)).toMatchObject({
      status: "confirmed",
      paid_by_payment_id: o.paymentId,
    });
    expect(fake.requests).toContainEqual({
      method: "GET",
      path: `/v1/payments/${paid.id}`,
      body: {},
      authorized: true,
    });
    const stored = await inbox(eventId);
    expect(stored?.payload).toEqual({ paymentId: paid.id, orderId: o.orderId });
    expect(JSON.stringify(stored)).not.toMatch(/asha|example\.test|9876543210/);
  });

  it("refuses a bad signature, a re-serialized body or no event id, storing and changing nothing", async () => {
    const { bookingId, order: o } = await orderedHold();
    const paid = fake.pay(o.orderId);
    const raw = JSON.stringify(captured(paid));
    const signature = sign(raw);
    const changed = `${signature.slice(0, -1)}${signature.endsWith("0") ? "1" : "0"}`;
    const attempts: [Delivery, string][] = [
      [{ signature: sign(raw, KEY_SECRET) }, "webhook_signature_invalid"],
      [{ signature: changed }, "webhook_signature_invalid"],
      [{ signature: null }, "webhook_signature_invalid"],
      [{ signature, raw: JSON.stringify(JSON.parse(raw), null, 2) }, "webhook_signature_invalid"],
      [{ signature, eventId: null }, "bad_request"],
    ];
    for (const [delivery, code] of attempts) {
      const eventId = delivery.eventId === null ? null : newEventId();
      const response = await deliver(undefined, { raw, ...delivery, eventId });
      expect(response.status).toBe(400);
      expect(await response.json()).toMatchObject({ code, status: 400 });
      if (eventId) expect(await inbox(eventId)).toBeUndefined();
    }
    expect(await row("payments", o.paymentId)).toMatchObject({ status: "created" });
    expect(await row("bookings", bookingId)).toMatchObject({ status: "held" });
    expect(fake.requests.filter((r) => r.path === `/v1/payments/${paid.id}`)).toEqual([]);
  });

  it("applies the same event delivered five times at once exactly once", async () => {
    const { bookingId, order: o } = await orderedHold();
    const paid = fake.pay(o.orderId);
    const event = captured(paid);
    const eventId = newEventId();
    const answers = await Promise.all(
      Array.from({ length: 5 }, () => deliver(event, { eventId }).then((r) => expectJson(r, 200))),
    );
    expect(answers.filter((a) => (a as { duplicate: boolean }).duplicate)).toHaveLength(4);
    expect(await outcomeOf(razorpayEvent("order.paid", { payment: paid }))).toBe(
      "already captured",
    );
    expect(await transitions(bookingId)).toEqual([
      { from_status: null, to_status: "held" },
      { from_status: "held", to_status: "confirmed" },
    ]);
    expect(await inbox(eventId)).toMatchObject({ outcome: "captured" });
  });

  it("converges when the refund's event overtakes the capture's, never going back", async () => {
    const { bookingId, order: o } = await orderedHold();
    const paid = fake.pay(o.orderId);
    const captureEvent = captured(structuredClone(paid));
    const refund = fake.dashboardRefund(paid.id);
    const refundEvent = razorpayEvent("refund.processed", { refund, payment: paid });
    expect(await outcomeOf(refundEvent)).toBe(`refund ${refund.id} recorded`);
    expect(await paymentState(o.paymentId)).toEqual({
      status: "refunded",
      refundedMinor: 250000,
      captured: true,
    });
    expect(await outcomeOf(captureEvent)).toBe("already captured, refunded at the provider");
    expect(await row("payments", o.paymentId)).toMatchObject({ status: "refunded" });
    expect(await refundsOf(o.paymentId)).toEqual([
      { amount: 250000, status: "succeeded", providerRefundId: refund.id },
    ]);
    expect(await transitions(bookingId)).toEqual([
      { from_status: null, to_status: "held" },
      { from_status: "held", to_status: "confirmed" },
    ]);
  });

  it("records each refund made in the dashboard once, partial then the rest", async () => {
    const { order: o } = await orderedHold();
    const paid = fake.pay(o.orderId);
    expect(await outcomeOf(captured(paid))).toBe("captured");

    const part = fake.dashboardRefund(paid.id, 100000);
    const pending = razorpayEvent("refund.created", {
      refund: { ...part, status: "pending" },
      payment: paid,
    });
    expect(await outcomeOf(pending)).toBe("ignored: the refund is pending");
    const processed = razorpayEvent("refund.processed", { refund: part, payment: paid });
    expect(await outcomeOf(processed)).toBe(`refund ${part.id} recorded`);
    expect(await outcomeOf(processed)).toBe(`refund ${part.id} recorded`);
    expect(await paymentState(o.paymentId)).toMatchObject({
      status: "partially_refunded",
      refundedMinor: 100000,
    });

    const rest = fake.dashboardRefund(paid.id);
    await outcomeOf(razorpayEvent("refund.processed", { refund: rest, payment: paid }));
    expect(await paymentState(o.paymentId)).toMatchObject({
      status: "refunded",
      refundedMinor: 250000,
    });
    expect(await refundsOf(o.paymentId)).toEqual([
      { amount: 100000, status: "succeeded", providerRefundId: part.id },
      { amount: 150000, status: "succeeded", providerRefundId: rest.id },
    ]);
  });

  it("answers 200 to a type it does not handle and to an order it did not make, recording why", async () => {
    const downtime = razorpayEvent("payment.downtime.started", {
      "payment.downtime": { id: "down_0123456789", method: "upi", status: "started" },
    });
    const eventId = newEventId();
    expect(await outcomeOf(downtime, { eventId })).toBe("ignored: unhandled type");
    const stored = await inbox(eventId);
    expect(stored?.processed_at).not.toBeNull();
    expect(stored?.last_error).toBeNull();

    const stranger = { id: "pay_notours012345", order_id: "order_notours012345", amount: 500 };
    expect(await outcomeOf(razorpayEvent("payment.captured", { payment: stranger }))).toBe(
      "ignored: unknown order",
    );
    expect(fake.requests.filter((r) => r.path.includes(stranger.id))).toEqual([]);
  });

  it("refunds in full, once, a capture that comes after the hold lapsed and the slot was taken", async () => {
    const slot = { practitionerId: await newPractitioner(api.supabase) };
    const { bookingId, order: o } = await orderedHold(slot);
    await api.supabase.db.query(
      "update public.bookings set expires_at = now() - interval '1 second' where id = $1",
      [bookingId],
    );
    const prompt = await api.signUp();
    const takerId = await holdFor(prompt.accessToken, slot); // expires the lapsed hold
    const paid = fake.pay(o.orderId);
    expect(await outcomeOf(captured(paid))).toBe("captured; 250000 refunded (booking expired)");
    expect(await outcomeOf(razorpayEvent("order.paid", { payment: paid }))).toBe(
      "already captured, refunded at the provider",
    );

    expect(refundRequests(paid.id)).toHaveLength(1);
    expect(refundRequests(paid.id)[0]?.body).toMatchObject({
      amount: 250000,
      notes: { ledger_refund_key: expect.stringMatching(/^refund-/) },
    });
    const [made] = await refundsOf(o.paymentId);
    expect(made).toEqual({
      amount: 250000,
      status: "succeeded",
      providerRefundId: expect.any(String),
    });
    expect(await row("payments", o.paymentId)).toMatchObject({ status: "refunded" });
    expect(await row("bookings", bookingId)).toMatchObject({ status: "expired" });
    expect(await row("bookings", takerId)).toMatchObject({ status: "held" });

    // Razorpay's own event for the refund we made changes nothing more.
    const ours = { ...(refundRequests(paid.id)[0]?.body as object), id: made?.providerRefundId };
    const echo = razorpayEvent("refund.processed", {
      refund: { ...ours, payment_id: paid.id, status: "processed" },
      payment: fake.payment(paid.id),
    });
    expect(await outcomeOf(echo)).toMatch(/^our refund rfnd_\w+ paid back$/);
    expect(await refundsOf(o.paymentId)).toHaveLength(1);
  });

  it("refunds a second payment for a booking that is already paid", async () => {
    const { user, bookingId, order: first } = await orderedHold();
    const second = await order(user.accessToken, bookingId);
    const [paidFirst, paidSecond] = [fake.pay(first.orderId), fake.pay(second.orderId)];
    expect(await outcomeOf(captured(paidFirst))).toBe("captured");
    expect(await outcomeOf(captured(paidSecond))).toBe(
      "captured; 250000 refunded (booking confirmed)",
    );
    expect(await row("bookings", bookingId)).toMatchObject({ paid_by_payment_id: first.paymentId });
    expect(await row("payments", first.paymentId)).toMatchObject({ status: "captured" });
    expect(await row("payments", second.paymentId)).toMatchObject({ status: "refunded" });
    expect(refundRequests(paidFirst.id)).toEqual([]);
    expect(refundRequests(paidSecond.id)).toHaveLength(1);
  });

  it("waits out an authorization, fails a declined payment, captures the retry, logs a dispute", async () => {
    const { bookingId, order: o } = await orderedHold();
    const authorized = fake.pay(o.orderId, "authorized");
    const authorizedEvent = razorpayEvent("payment.authorized", { payment: authorized });
    expect(await outcomeOf(authorizedEvent)).toBe("pending: authorized");
    expect(await row("payments", o.paymentId)).toMatchObject({ status: "created" });
    const declined = fake.pay(o.orderId, "failed");
    const failedEvent = razorpayEvent("payment.failed", { payment: declined });
    expect(await outcomeOf(failedEvent)).toBe("failed");
    expect(await row("payments", o.paymentId)).toMatchObject({
      status: "failed",
      failure_reason: "Payment was declined by the bank",
    });
    expect(await row("bookings", bookingId)).toMatchObject({ status: "held" });

    const paid = fake.pay(o.orderId);
    expect(await outcomeOf(captured(paid))).toBe("captured");
    expect(await outcomeOf(failedEvent)).toBe("ignored: already captured");
    expect(await row("bookings", bookingId)).toMatchObject({ status: "confirmed" });

    const dispute = fake.openDispute(paid.id);
    expect(
      await outcomeOf(razorpayEvent("payment.dispute.created", { payment: paid, dispute })),
    ).toBe(`dispute: created, chargeback, 250000 INR (${dispute.id})`);
    expect(await row("payments", o.paymentId)).toMatchObject({ status: "captured" });
    const { rows } = await api.supabase.db.query(
      "select payment_id, status, reason from public.payment_disputes where provider_dispute_id = $1",
      [String(dispute.id)],
    );
    expect(rows).toEqual([{ payment_id: o.paymentId, status: "created", reason: "chargeback" }]);
  });

  it("lets the checkout signature made with the key secret verify a payment, and no other", async () => {
    const { user, bookingId, order: o } = await orderedHold();
    const paid = fake.pay(o.orderId);
    const signature = sign(`${o.orderId}|${paid.id}`, KEY_SECRET);
    const verify = (body: Record<string, string>) =>
      post(api, "/api/payments/verify", body, { token: user.accessToken, key: randomUUID() });
    const checkout = {
      razorpay_order_id: o.orderId,
      razorpay_payment_id: paid.id,
      razorpay_signature: signature,
    };
    for (const forged of [
      { ...checkout, razorpay_signature: sign(`${o.orderId}|${paid.id}`, WEBHOOK_SECRET) },
      { ...checkout, razorpay_payment_id: "pay_0000000000000" },
    ]) {
      const refused = await verify(forged);
      expect(await expectJson(refused, 400)).toMatchObject({ code: "payment_verification_failed" });
    }
    expect(await row("payments", o.paymentId)).toMatchObject({ status: "created" });
    expect(await expectJson(await verify(checkout), 200)).toMatchObject({
      verified: true,
      status: "captured",
      bookingStatus: "confirmed",
    });
    expect(await row("bookings", bookingId)).toMatchObject({ status: "confirmed" });
  });
});

describe("reconciliation (GET /api/cron/settle-payments)", () => {
  it("records a capture whose webhook and verify never came, confirming the hold", async () => {
    const { bookingId, order: o } = await orderedHold();
    const paid = fake.pay(o.orderId);
    // Older than the sweep's grace period, as a payment whose webhook went missing would be.
    await api.supabase.db.query(
      "update public.payments set created_at = now() - interval '10 minutes' where id = $1",
      [o.paymentId],
    );
    const sweep = await fetch(`${api.url}/api/cron/settle-payments`, {
      headers: { authorization: `Bearer ${TEST_CRON_SECRET}` },
    });
    expect(await expectJson<{ reconciled: number }>(sweep, 200)).toMatchObject({
      reconciled: expect.any(Number),
    });
    expect(await row("payments", o.paymentId)).toMatchObject({
      status: "captured",
      provider_payment_id: paid.id,
    });
    expect(await row("bookings", bookingId)).toMatchObject({ status: "confirmed" });
    expect(fake.requests).toContainEqual(
      expect.objectContaining({ method: "GET", path: `/v1/orders/${o.orderId}/payments` }),
    );
  });
});

describe("the sandbox webhook", () => {
  it("takes events signed with the sandbox secret, and neither webhook takes the other's", async () => {
    const user = await api.signUp();
    const bookingId = await holdFor(user.accessToken);
    // Razorpay serves create-order here, so the sandbox payment is made in the ledger directly.
    const { rows } = await api.supabase.db.query<{ id: string; amount_minor: string }>(
      "select id, amount_minor from public.ledger_create_payment($1, 'sandbox', $2, null, null, 'INR')",
      [user.id, bookingId],
    );
    const payment = rows[0] as { id: string; amount_minor: string };
    const orderId = `order_sbx_${randomBytes(10).toString("hex")}`;
    await api.supabase.db.query("select public.ledger_attach_order($1, $2)", [payment.id, orderId]);
    const amountMinor = Number(payment.amount_minor);
    const paymentId = sandboxPaymentId({
      orderId,
      amountMinor,
      currency: "INR",
      status: "captured",
    });
    const event = captured({
      id: paymentId,
      order_id: orderId,
      amount: amountMinor,
    } as FakePayment);
    const raw = JSON.stringify(event);

    const sandbox = "/api/webhooks/sandbox";
    const razorpaySigned = await deliver(event, { path: sandbox });
    expect(await expectJson(razorpaySigned, 400)).toMatchObject({
      code: "webhook_signature_invalid",
    });
    const sandboxSigned = await deliver(event, { signature: sandboxWebhookSignature(raw) });
    expect(await expectJson(sandboxSigned, 400)).toMatchObject({
      code: "webhook_signature_invalid",
    });
    expect(await row("payments", payment.id)).toMatchObject({ status: "created" });

    const outcome = await outcomeOf(event, {
      path: sandbox,
      signature: sandboxWebhookSignature(raw),
    });
    expect(outcome).toBe("captured");
    expect(await row("payments", payment.id)).toMatchObject({
      status: "captured",
      provider_payment_id: paymentId,
    });
    expect(await row("bookings", bookingId)).toMatchObject({ status: "confirmed" });
  });
});
