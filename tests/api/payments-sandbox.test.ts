// Paying for a hold through the order-based checkout with the local sandbox provider (no keys
// configured, as in `npm run dev`): create-order prices from the server, verify checks the
// signature over our stored order and the provider's record before anything changes, a capture
// confirms the hold once, a capture the booking cannot take is refunded in full, and staff
// refunds never exceed what was captured. Sandbox payment ids and signatures are made with the
// sandbox provider's own helpers, as a Razorpay test would use Razorpay's scheme.
//
// Each hold is with a practitioner of its own unless a test names one (tests/helpers/
// booking-hold.ts).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  sandboxCheckoutSignature,
  sandboxPaymentId,
} from "../../lib/payments/providers/sandbox.js";
import { startTestApi, type TestApi } from "../helpers/api.js";
import { type HoldSlot, holdBooking } from "../helpers/booking-hold.js";
import { newPractitioner } from "../helpers/practitioner.js";
import { expectJson, expectProblem, send } from "../helpers/requests.js";
import { PROJECT_SEED } from "../helpers/supabase.js";

let api: TestApi;
beforeAll(async () => {
  api = await startTestApi({ seedFile: PROJECT_SEED });
});
afterAll(async () => {
  await api?.close();
});

/** A signed-in customer's live hold on an individual session (₹2,500.00). */
const holdFor = (token: string, slot?: HoldSlot) => holdBooking(api, token, slot);

interface Order {
  orderId: string;
  amount: number;
  currency: string;
  keyId: string;
  paymentId: string;
  checkoutUrl?: string;
}

async function order(token: string, bookingId: string): Promise<Order> {
  return expectJson<Order>(
    await send(api, "POST", "/api/payments/create-order", {
      token,
      key: crypto.randomUUID(),
      body: { sessionType: "individual", format: "video", bookingId },
    }),
    201,
  );
}

/** What the sandbox checkout hands the browser after a payment. */
function paid(o: Order, overrides: { amountMinor?: number; status?: "captured" | "failed" } = {}) {
  const paymentId = sandboxPaymentId({
    orderId: o.orderId,
    amountMinor: overrides.amountMinor ?? o.amount,
    currency: o.currency,
    status: overrides.status ?? "captured",
  });
  return {
    razorpay_order_id: o.orderId,
    razorpay_payment_id: paymentId,
    razorpay_signature: sandboxCheckoutSignature(o.orderId, paymentId),
  };
}

async function row(table: "payments" | "bookings", id: string) {
  const { rows } = await api.supabase.db.query<Record<string, unknown>>(
    `select * from public.${table} where id = $1`,
    [id],
  );
  return rows[0];
}

async function refundsOf(paymentId: string) {
  const { rows } = await api.supabase.db.query<{ amount_minor: string; status: string }>(
    "select amount_minor, status from public.refunds where payment_id = $1 order by created_at",
    [paymentId],
  );
  return rows.map((r) => ({ amount: Number(r.amount_minor), status: r.status }));
}

describe("create-order", () => {
  it("prices the order from the hold, and refuses an amount from the client", async () => {
    const user = await api.signUp();
    const bookingId = await holdFor(user.accessToken);
    const created = await order(user.accessToken, bookingId);
    expect(created).toMatchObject({
      amount: 250000,
      currency: "INR",
      keyId: "rzp_test_bastion_sandbox",
      checkoutUrl: `/__dev/pay/${created.orderId}`,
    });
    expect(await row("payments", created.paymentId)).toMatchObject({
      booking_id: bookingId,
      provider: "sandbox",
      provider_order_id: created.orderId,
      status: "created",
      user_id: user.id,
    });
    await expectProblem(
      await send(api, "POST", "/api/payments/create-order", {
        token: user.accessToken,
        key: crypto.randomUUID(),
        body: { sessionType: "individual", format: "video", bookingId, amount: 1 },
      }),
      400,
      "validation_failed",
    );
  });

  it("replays the same order for the same Idempotency-Key, and refuses the key for another body", async () => {
    const user = await api.signUp();
    const bookingId = await holdFor(user.accessToken);
    const key = crypto.randomUUID();
    const body = { sessionType: "individual", format: "video", bookingId };
    const first = await expectJson<Order>(
      await send(api, "POST", "/api/payments/create-order", { token: user.accessToken, key, body }),
      201,
    );
    const again = await expectJson<Order>(
      await send(api, "POST", "/api/payments/create-order", { token: user.accessToken, key, body }),
      201,
    );
    expect(again.orderId).toBe(first.orderId);
    const { rows } = await api.supabase.db.query(
      "select count(*)::int as n from public.payments where booking_id = $1",
      [bookingId],
    );
    expect(rows).toEqual([{ n: 1 }]);
    await expectProblem(
      await send(api, "POST", "/api/payments/create-order", {
        token: user.accessToken,
        key,
        body: { ...body, format: "in_person" },
      }),
      422,
      "idempotency_key_reused",
    );
  });

  it("is 404 for another customer's hold", async () => {
    const [alice, bob] = [await api.signUp(), await api.signUp()];
    const bookingId = await holdFor(alice.accessToken);
    await expectProblem(
      await send(api, "POST", "/api/payments/create-order", {
        token: bob.accessToken,
        key: crypto.randomUUID(),
        body: { sessionType: "individual", format: "video", bookingId },
      }),
      404,
      "not_found",
    );
  });
});

describe("verify", () => {
  it("captures the payment and confirms the hold once, however often it is verified", async () => {
    const user = await api.signUp();
    const bookingId = await holdFor(user.accessToken);
    const o = await order(user.accessToken, bookingId);
    const body = paid(o);
    const answers = await Promise.all(
      [1, 2, 3].map(() =>
        send(api, "POST", "/api/payments/verify", { token: user.accessToken, body }),
      ),
    );
    for (const answer of answers) {
      expect(await expectJson(answer, 200)).toMatchObject({
        verified: true,
        paymentId: o.paymentId,
        status: "captured",
        bookingStatus: "confirmed",
      });
    }
    expect(await row("payments", o.paymentId)).toMatchObject({
      status: "captured",
      provider_payment_id: body.razorpay_payment_id,
    });
    const { rows } = await api.supabase.db.query(
      "select to_status from public.booking_events where booking_id = $1 order by id",
      [bookingId],
    );
    expect(rows).toEqual([{ to_status: "held" }, { to_status: "confirmed" }]);
    const view = await expectJson(
      await send(api, "GET", `/api/payments/${o.paymentId}`, { token: user.accessToken }),
      200,
    );
    expect(view).toMatchObject({ status: "captured", amountMinor: 250000, bookingId });
  });

  it("refuses a changed signature, a swapped payment, a short amount and another's order, changing nothing", async () => {
    const [user, other] = [await api.signUp(), await api.signUp()];
    const bookingId = await holdFor(user.accessToken);
    const o = await order(user.accessToken, bookingId);
    const good = paid(o);
    const flipped = good.razorpay_signature.endsWith("0") ? "1" : "0";
    const attempts = [
      { ...good, razorpay_signature: `${good.razorpay_signature.slice(0, -1)}${flipped}` },
      // A payment of another order, signed for this one by someone who knows the secret-less
      // parts only: the provider's record names the other order.
      (() => {
        const elsewhere = sandboxPaymentId({
          orderId: "order_sbx_someoneelse",
          amountMinor: o.amount,
          currency: o.currency,
          status: "captured",
        });
        return {
          ...good,
          razorpay_payment_id: elsewhere,
          razorpay_signature: sandboxCheckoutSignature(o.orderId, elsewhere),
        };
      })(),
      paid(o, { amountMinor: 100 }),
      paid(o, { status: "failed" }),
    ];
    for (const body of attempts) {
      await expectProblem(
        await send(api, "POST", "/api/payments/verify", { token: user.accessToken, body }),
        400,
        "payment_verification_failed",
      );
    }
    await expectProblem(
      await send(api, "POST", "/api/payments/verify", { token: other.accessToken, body: good }),
      400,
      "payment_verification_failed",
    );
    expect(await row("payments", o.paymentId)).toMatchObject({ status: "created" });
    expect(await row("bookings", bookingId)).toMatchObject({ status: "held" });
  });

  it("refunds in full a capture that arrives after the hold lapsed and the slot was taken", async () => {
    const [late, prompt] = [await api.signUp(), await api.signUp()];
    const slot = { practitionerId: await newPractitioner(api.supabase) };
    const bookingId = await holdFor(late.accessToken, slot);
    const o = await order(late.accessToken, bookingId);
    await api.supabase.db.query(
      "update public.bookings set expires_at = now() - interval '1 second' where id = $1",
      [bookingId],
    );
    await holdFor(prompt.accessToken, slot); // takes the slot, expiring the lapsed hold
    const answer = await expectJson(
      await send(api, "POST", "/api/payments/verify", { token: late.accessToken, body: paid(o) }),
      200,
    );
    expect(answer).toMatchObject({ status: "refunded", bookingStatus: "expired" });
    expect(await refundsOf(o.paymentId)).toEqual([{ amount: 250000, status: "succeeded" }]);
  });

  it("refunds a second payment for a booking that is already paid", async () => {
    const user = await api.signUp();
    const bookingId = await holdFor(user.accessToken);
    const first = await order(user.accessToken, bookingId);
    const second = await order(user.accessToken, bookingId);
    await expectJson(
      await send(api, "POST", "/api/payments/verify", {
        token: user.accessToken,
        body: paid(first),
      }),
      200,
    );
    const answer = await expectJson(
      await send(api, "POST", "/api/payments/verify", {
        token: user.accessToken,
        body: paid(second),
      }),
      200,
    );
    expect(answer).toMatchObject({ status: "refunded", bookingStatus: "confirmed" });
    expect(await row("bookings", bookingId)).toMatchObject({ paid_by_payment_id: first.paymentId });
    expect(await refundsOf(first.paymentId)).toEqual([]);
    expect(await refundsOf(second.paymentId)).toEqual([{ amount: 250000, status: "succeeded" }]);
  });
});

describe("staff refunds", () => {
  // An admin: the hold's practitioner has no staff linked.
  it("refund in parts up to what was captured, once per Idempotency-Key, and only for staff", async () => {
    const [customer, staff] = [await api.signUp(), await api.signUp({ role: "admin" })];
    const bookingId = await holdFor(customer.accessToken);
    const o = await order(customer.accessToken, bookingId);
    await expectJson(
      await send(api, "POST", "/api/payments/verify", {
        token: customer.accessToken,
        body: paid(o),
      }),
      200,
    );
    const refund = (token: string, key: string, body: object) =>
      send(api, "POST", "/api/payments/refund", {
        token,
        key,
        body: { paymentId: o.paymentId, reason: "Goodwill", ...body },
      });
    await expectProblem(
      await refund(customer.accessToken, crypto.randomUUID(), { amount: 100 }),
      403,
      "forbidden",
    );
    const key = crypto.randomUUID();
    const part = await expectJson(await refund(staff.accessToken, key, { amount: 100000 }), 201);
    expect(part).toMatchObject({ amountMinor: 100000, status: "succeeded" });
    const replay = await expectJson(await refund(staff.accessToken, key, { amount: 100000 }), 201);
    expect(replay).toEqual(part);
    const partly = await row("payments", o.paymentId);
    expect([partly?.status, Number(partly?.refunded_minor)]).toEqual([
      "partially_refunded",
      100000,
    ]);
    await expectProblem(
      await refund(staff.accessToken, crypto.randomUUID(), { amount: 150001 }),
      409,
      "refund_exceeds_captured",
    );
    const rest = await expectJson(await refund(staff.accessToken, crypto.randomUUID(), {}), 201);
    expect(rest).toMatchObject({ amountMinor: 150000, status: "succeeded" });
    const fully = await row("payments", o.paymentId);
    expect([fully?.status, Number(fully?.refunded_minor)]).toEqual(["refunded", 250000]);
    const view = await expectJson(
      await send(api, "GET", `/api/payments/${o.paymentId}`, { token: staff.accessToken }),
      200,
    );
    expect(view).toMatchObject({ status: "refunded", refundedMinor: 250000 });
  });

  it("keeps a payment hidden from other customers", async () => {
    const [customer, other] = [await api.signUp(), await api.signUp()];
    const bookingId = await holdFor(customer.accessToken);
    const o = await order(customer.accessToken, bookingId);
    await expectProblem(
      await send(api, "GET", `/api/payments/${o.paymentId}`, { token: other.accessToken }),
      404,
      "not_found",
    );
  });
});
