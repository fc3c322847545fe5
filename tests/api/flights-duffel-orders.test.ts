// Ticketed Duffel bookings after payment, against network-level fakes of Duffel
// (tests/helpers/fake-duffel.ts) and Stripe: the owner cancels at Duffel (quote, confirm,
// refund of what Duffel refunds through the ledger, exactly once), quotes Bastion cannot pass
// on are refused before anything changes, a Duffel failure changes nothing; the order sweep
// (/api/cron/flight-orders) resolves orders whose attempt got no answer (found at Duffel, made
// now, or refunded in full); an admin's read of someone's booking is recorded.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApi, TEST_CRON_SECRET, type TestApi } from "../helpers/api.js";
import { type FakeDuffel, startFakeDuffel } from "../helpers/fake-duffel.js";
import { type FakeStripe, startFakeStripe } from "../helpers/fake-stripe.js";
import { outboxMailsTo } from "../helpers/local-outbox.js";
import { expectJson, expectProblem, post, send } from "../helpers/requests.js";
import { TEST_WEBHOOK_SECRET } from "../helpers/stripe-events.js";

const DUFFEL_TOKEN = "duffel_test_fake_orders_0123456789";
let duffel: FakeDuffel;
let stripe: FakeStripe;
let api: TestApi;

beforeAll(async () => {
  duffel = await startFakeDuffel(DUFFEL_TOKEN);
  stripe = await startFakeStripe();
  api = await startTestApi({
    databaseWebhooks: false,
    env: {
      FLIGHT_PROVIDER: "duffel",
      DUFFEL_ACCESS_TOKEN: DUFFEL_TOKEN,
      DUFFEL_API_URL: duffel.url,
      STRIPE_SECRET_KEY: stripe.secretKey,
      STRIPE_WEBHOOK_SECRET: TEST_WEBHOOK_SECRET,
      STRIPE_API_URL: stripe.url,
    },
  });
});
afterAll(async () => {
  await api?.close();
  await stripe?.close();
  await duffel?.close();
});

const inDays = (days: number) =>
  new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);
let nextDay = 60;

interface Booking {
  id: string;
  reference: string;
  status: string;
  paymentStatus: string;
  amountMinor: number;
  refundMinor: number | null;
  providerBookingReference: string | null;
  cancellable: boolean;
}
const adult = {
  type: "adult",
  givenName: "Amelia",
  familyName: "Earhart-Smith",
  gender: "f",
  dateOfBirth: "1990-07-24",
  nationality: "gb",
  document: { number: "P1234567", expiresOn: inDays(900) },
};
const contact = { email: "amelia.orders@example.com", phone: "+447700900123" };

/** A booking of offer 0 (non-refundable, 210.40 GBP) or 1 (refundable, 245.40), payment started. */
async function startedBooking(offerIndex: number) {
  const user = await api.signUp();
  const query = new URLSearchParams({
    origin: "LHR",
    destination: "JFK",
    departureDate: inDays(nextDay++),
    currency: "GBP",
  });
  const { offers } = await expectJson<{ offers: { offerToken: string }[] }>(
    await send(api, "GET", `/api/flights/search?${query}`),
    200,
  );
  const offerId = duffel.offers().at(offerIndex - 2) as string;
  const booking = await expectJson<Booking>(
    await post(
      api,
      "/api/flights/bookings",
      { offerToken: offers[offerIndex]?.offerToken, travelers: [adult], contact },
      { token: user.accessToken },
    ),
    201,
  );
  const started = await expectJson<{ paymentId: string; paymentIntentId: string }>(
    await send(api, "POST", `/api/flights/bookings/${booking.id}/pay`, { token: user.accessToken }),
    201,
  );
  return { user, booking, started, offerId };
}

/** Paid: the capture reaches the booking (and, Duffel answering, orders it). */
async function capture(token: string, paymentIntentId: string) {
  stripe.pay(paymentIntentId);
  return post(api, "/api/payments/confirm", { paymentIntentId }, { token });
}

async function ticketed(offerIndex: number) {
  const made = await startedBooking(offerIndex);
  await expectJson(await capture(made.user.accessToken, made.started.paymentIntentId), 200);
  const order = duffel.orders.find((o) => o.offerId === made.offerId);
  expect(order).toBeDefined();
  return { ...made, order: order as NonNullable<typeof order> };
}

const cancel = (token: string, id: string) =>
  send(api, "POST", `/api/flights/bookings/${id}/cancel`, { token });
const read = async (token: string, id: string) =>
  expectJson<Booking>(await send(api, "GET", `/api/flights/bookings/${id}`, { token }), 200);
const refundsOf = (paymentIntentId: string) =>
  stripe.requests.filter(
    (r) => r.path === "/v1/refunds" && r.params.payment_intent === paymentIntentId,
  );
const cancellationsOf = (orderId: string) =>
  duffel.cancellations.filter((c) => c.order_id === orderId);

describe("cancelling a ticketed booking at Duffel", () => {
  it("quotes, confirms, cancels and refunds what Duffel refunds, with the email", async () => {
    const { user, booking, started, order } = await ticketed(1);
    expect((await read(user.accessToken, booking.id)).cancellable).toBe(true);
    duffel.quoteCancellations({ refund_amount: "200.00" });
    try {
      const cancelled = await expectJson<Booking>(await cancel(user.accessToken, booking.id), 200);
      expect(cancelled).toMatchObject({
        status: "cancelled",
        paymentStatus: "refunded",
        refundMinor: 20000,
        cancellable: false,
      });
    } finally {
      duffel.quoteCancellations({});
    }
    expect(order.cancelledAt).not.toBeNull();
    expect(cancellationsOf(order.id).map((c) => c.confirmed_at !== null)).toEqual([true]);
    const refunds = refundsOf(started.paymentIntentId);
    expect(refunds.map((r) => r.params.amount)).toEqual(["20000"]);
    await expectJson(
      await send(api, "GET", "/api/cron/deliver-notifications", { token: TEST_CRON_SECRET }),
      200,
    );
    const mails = (await outboxMailsTo(api, "flight_booking_cancelled", contact.email)).filter(
      (text) => text.includes(booking.reference),
    );
    expect(mails).toHaveLength(1);
    expect(mails[0]).toContain("200.00 GBP");
  });

  it("refunds once when the cancel is raced and retried, and never more than was paid", async () => {
    const { user, booking, started, order } = await ticketed(1);
    duffel.quoteCancellations({ refund_amount: "999.00" });
    try {
      const answers = await Promise.all([
        cancel(user.accessToken, booking.id),
        cancel(user.accessToken, booking.id),
      ]);
      const statuses = answers.map((a) => a.status).sort();
      expect(statuses[0]).toBe(200);
      expect([200, 409]).toContain(statuses[1]);
      for (const answer of answers) await answer.body?.cancel();
      const again = await expectJson<Booking>(await cancel(user.accessToken, booking.id), 200);
      expect(again).toMatchObject({ status: "cancelled", paymentStatus: "refunded" });
      expect(again.refundMinor).toBe(24540);
    } finally {
      duffel.quoteCancellations({});
    }
    expect(cancellationsOf(order.id).filter((c) => c.confirmed_at !== null)).toHaveLength(1);
    expect(refundsOf(started.paymentIntentId).map((r) => r.params.amount)).toEqual(["24540"]);
  });

  it("finishes, refunding once, when Duffel confirmed but its answer was lost", async () => {
    const { user, booking, started, order } = await ticketed(1);
    duffel.loseConfirmationAnswers(500);
    try {
      await expectProblem(await cancel(user.accessToken, booking.id), 502, "provider_error");
    } finally {
      duffel.loseConfirmationAnswers(undefined);
    }
    // Cancelled at Duffel, not yet here: the retry asks about the stored quote, quotes nothing new.
    expect(order.cancelledAt).not.toBeNull();
    expect((await read(user.accessToken, booking.id)).status).toBe("confirmed");
    expect(refundsOf(started.paymentIntentId)).toEqual([]);
    expect(
      await expectJson<Booking>(await cancel(user.accessToken, booking.id), 200),
    ).toMatchObject({ status: "cancelled", paymentStatus: "refunded", refundMinor: 24540 });
    expect(cancellationsOf(order.id)).toHaveLength(1);
    expect(refundsOf(started.paymentIntentId).map((r) => r.params.amount)).toEqual(["24540"]);
  });

  it("refuses a non-refundable fare before anything changes", async () => {
    const { user, booking, started, order } = await ticketed(0);
    expect((await read(user.accessToken, booking.id)).cancellable).toBe(false);
    await expectProblem(await cancel(user.accessToken, booking.id), 409, "conflict");
    expect(cancellationsOf(order.id)).toEqual([]);
    expect(refundsOf(started.paymentIntentId)).toEqual([]);
    expect(await read(user.accessToken, booking.id)).toMatchObject({
      status: "confirmed",
      paymentStatus: "paid",
    });
  });

  it.each([
    ["in another currency", { refund_currency: "USD" }, "refund_currency"],
    ["as airline credits", { refund_to: "airline_credits" }, "refund_not_money"],
    ["nothing", { refund_amount: "0.00" }, "no_refund"],
  ])("refuses before confirming a quote refunding %s", async (_case, terms, reason) => {
    const { user, booking, started, order } = await ticketed(1);
    duffel.quoteCancellations(terms);
    try {
      const problem = await expectProblem(
        await cancel(user.accessToken, booking.id),
        409,
        "conflict",
      );
      expect(problem).toMatchObject({ reason });
    } finally {
      duffel.quoteCancellations({});
    }
    expect(cancellationsOf(order.id).map((c) => c.confirmed_at)).toEqual([null]);
    expect(order.cancelledAt).toBeNull();
    expect(refundsOf(started.paymentIntentId)).toEqual([]);
    expect(await read(user.accessToken, booking.id)).toMatchObject({
      status: "confirmed",
      paymentStatus: "paid",
      cancellable: true,
    });
  });

  it("leaves the booking unchanged with a clear problem when Duffel fails, and cancels later", async () => {
    const { user, booking, started, order } = await ticketed(1);
    duffel.refuseCancellations(503);
    try {
      const problem = await expectProblem(
        await cancel(user.accessToken, booking.id),
        502,
        "provider_error",
      );
      expect(problem.detail).toMatch(/airline could not cancel.*unchanged/);
    } finally {
      duffel.refuseCancellations(undefined);
    }
    expect(refundsOf(started.paymentIntentId)).toEqual([]);
    expect(await read(user.accessToken, booking.id)).toMatchObject({
      status: "confirmed",
      paymentStatus: "paid",
    });
    expect(
      await expectJson<Booking>(await cancel(user.accessToken, booking.id), 200),
    ).toMatchObject({ status: "cancelled", paymentStatus: "refunded", refundMinor: 24540 });
    expect(order.cancelledAt).not.toBeNull();
  });
});

/** As if the order attempt had been 20 minutes ago (past the trigger that stamps updated_at). */
async function backdate(id: string) {
  await api.supabase.db.transaction({}, async (query) => {
    await query("set local session_replication_role = replica");
    await query(
      `update public.flight_bookings set updated_at = now() - interval '20 minutes',
         ordering_claimed_at = now() - interval '20 minutes' where id = $1`,
      [id],
    );
  });
}
const sweep = async () =>
  expectJson<Record<string, number>>(
    await send(api, "GET", "/api/cron/flight-orders", { token: TEST_CRON_SECRET }),
    200,
  );

describe("the order sweep", () => {
  it("finds the order an unanswered attempt made and confirms the booking with it", async () => {
    const { user, booking, started, offerId } = await startedBooking(0);
    duffel.loseOrderAnswers(500);
    try {
      const answer = await capture(user.accessToken, started.paymentIntentId);
      await answer.body?.cancel();
    } finally {
      duffel.loseOrderAnswers(undefined);
    }
    const made = duffel.orders.filter((o) => o.offerId === offerId);
    expect(made).toHaveLength(1);
    expect(made[0]?.metadata).toEqual({ bastion_booking_id: booking.id });
    expect(await read(user.accessToken, booking.id)).toMatchObject({
      status: "pending_payment",
      paymentStatus: "paid",
    });
    // Another capture path does not buy again; nor does the sweep within the grace period.
    const again = await capture(user.accessToken, started.paymentIntentId);
    await again.body?.cancel();
    await sweep();
    expect(duffel.orders.filter((o) => o.offerId === offerId)).toHaveLength(1);
    expect((await read(user.accessToken, booking.id)).status).toBe("pending_payment");

    await backdate(booking.id);
    const result = await sweep();
    expect(result.found).toBeGreaterThanOrEqual(1);
    expect(await read(user.accessToken, booking.id)).toMatchObject({
      status: "confirmed",
      paymentStatus: "paid",
      providerBookingReference: made[0]?.booking_reference,
    });
    expect(duffel.orders.filter((o) => o.offerId === offerId)).toHaveLength(1);
    expect(refundsOf(started.paymentIntentId)).toEqual([]);
  });

  it("leaves the booking for the next run while Duffel cannot list its orders", async () => {
    const { user, booking, started, offerId } = await startedBooking(0);
    duffel.refuseOrders(503);
    try {
      const answer = await capture(user.accessToken, started.paymentIntentId);
      await answer.body?.cancel();
    } finally {
      duffel.refuseOrders(undefined);
    }
    await backdate(booking.id);
    duffel.refuseOrderLists(503);
    try {
      expect((await sweep()).undecided).toBeGreaterThanOrEqual(1);
    } finally {
      duffel.refuseOrderLists(undefined);
    }
    expect(await read(user.accessToken, booking.id)).toMatchObject({
      status: "pending_payment",
      paymentStatus: "paid",
    });
    expect(duffel.orders.filter((o) => o.offerId === offerId)).toEqual([]);
    expect(refundsOf(started.paymentIntentId)).toEqual([]);
    // Its claim lapses (2 minutes; here backdated again): the next run resolves it.
    await backdate(booking.id);
    expect((await sweep()).ordered).toBeGreaterThanOrEqual(1);
    expect((await read(user.accessToken, booking.id)).status).toBe("confirmed");
  });

  it("orders now when Duffel certainly has no order and the offer is still on sale", async () => {
    const { user, booking, started, offerId } = await startedBooking(0);
    duffel.refuseOrders(503);
    try {
      const answer = await capture(user.accessToken, started.paymentIntentId);
      await answer.body?.cancel();
    } finally {
      duffel.refuseOrders(undefined);
    }
    expect(duffel.orders.filter((o) => o.offerId === offerId)).toEqual([]);
    await backdate(booking.id);
    const result = await sweep();
    expect(result.ordered).toBeGreaterThanOrEqual(1);
    const made = duffel.orders.filter((o) => o.offerId === offerId);
    expect(made).toHaveLength(1);
    expect(made[0]?.metadata).toEqual({ bastion_booking_id: booking.id });
    expect(await read(user.accessToken, booking.id)).toMatchObject({
      status: "confirmed",
      providerBookingReference: made[0]?.booking_reference,
    });
    expect(refundsOf(started.paymentIntentId)).toEqual([]);
  });

  it("refunds in full when Duffel has no order and the offer is gone", async () => {
    const { user, booking, started, offerId } = await startedBooking(0);
    duffel.refuseOrders(503);
    try {
      const answer = await capture(user.accessToken, started.paymentIntentId);
      await answer.body?.cancel();
    } finally {
      duffel.refuseOrders(undefined);
    }
    duffel.expireOffer(offerId);
    await backdate(booking.id);
    const result = await sweep();
    expect(result.refunded).toBeGreaterThanOrEqual(1);
    expect(await read(user.accessToken, booking.id)).toMatchObject({
      status: "failed",
      paymentStatus: "refunded",
    });
    expect(refundsOf(started.paymentIntentId).map((r) => r.params.amount)).toEqual(["21040"]);
    expect(duffel.orders.filter((o) => o.offerId === offerId)).toEqual([]);
  });
});

describe("staff reads of travellers' data", () => {
  it("records an admin's read of someone's booking, not the owner's own", async () => {
    const { user, booking } = await startedBooking(0);
    const admin = await api.signUp({ role: "admin" });
    const reads = async () =>
      (
        await api.supabase.db.query<{ actor: string; fields: string[] }>(
          "select actor, fields from public.personal_data_reads where subject_table = 'flight_bookings' and subject_id = $1",
          [booking.id],
        )
      ).rows;
    await read(user.accessToken, booking.id);
    expect(await reads()).toEqual([]);
    const seen = await read(admin.accessToken, booking.id);
    expect(seen.id).toBe(booking.id);
    expect(await reads()).toEqual([{ actor: admin.id, fields: ["travelers"] }]);
    // Anyone else: 404, nothing recorded.
    const other = await api.signUp();
    await expectProblem(
      await send(api, "GET", `/api/flights/bookings/${booking.id}`, { token: other.accessToken }),
      404,
      "not_found",
    );
    expect(await reads()).toHaveLength(1);
  });
});
