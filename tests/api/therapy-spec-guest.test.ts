// The therapy-booking spec (issue 17, item 1), played as its SPA plays it, against the local stack
// with the sandbox provider, as a guest with no account and no Idempotency-Key: availability →
// consent with the spec's exact body (its own ipAddress and userAgent, ignored) → create-order
// {sessionType, format} → the checkout → verify → POST /api/bookings with the provider's payment
// id → a confirmed booking and its confirmation email. Then the pay-first race: the slot taken
// between the payment and the booking → nothing booked, the payment refunded in full, 409.
//
// Guests' payment calls are limited per address (10 in 10 minutes, the "payment" policy) and
// every request here comes from one: this file makes fewer than that.
//
// The spec names no practitioner, so the spec's own sequence books the default one (seeded): it
// picks a slot availability lists as free on a random working day, as the SPA would, so runs
// sharing one database (CI) do not compete. The other tests book a practitioner of their own.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  sandboxCheckoutSignature,
  sandboxPaymentId,
} from "../../lib/payments/providers/sandbox.js";
import { startTestApi, type TestApi } from "../helpers/api.js";
import { futureWeekday } from "../helpers/booking-hold.js";
import { type Order, payAsGuest, paymentRow } from "../helpers/guest-payment.js";
import { outboxMailsTo } from "../helpers/local-outbox.js";
import { newPractitioner } from "../helpers/practitioner.js";
import { expectJson, expectProblem, post, send } from "../helpers/requests.js";
import { PROJECT_SEED } from "../helpers/supabase.js";

let api: TestApi;
let admin: { id: string; accessToken: string };
beforeAll(async () => {
  api = await startTestApi({ seedFile: PROJECT_SEED });
  admin = await api.signUp({ role: "admin" });
  // The practice publishes the spec's consent version once (a shared database may have it).
  const published = await post(
    api,
    "/api/consent/versions",
    {
      version: "2024-01-15",
      title: "Informed consent for therapy",
      requiredItems: ["item1", "item2", "item3"],
    },
    { token: admin.accessToken },
  );
  expect([201, 409]).toContain(published.status);
  // A run before this one retired it (below); the same version, so it is the practice's again.
  await api.supabase.db.query(
    "update public.consent_versions set active = true where version = '2024-01-15'",
  );
});
afterAll(async () => {
  // Other files sharing the database (CI) offer the newest active version: not this one for long.
  if (admin) {
    await send(api, "POST", "/api/consent/versions/2024-01-15/retire", {
      token: admin.accessToken,
    });
  }
  await api?.close();
});

const run = crypto.randomUUID().slice(0, 8);
let emails = 0;
const newEmail = () => `guest${++emails}-${run}@example.test`;

/** The spec's consent body, with its version and items. */
function specConsent(email: string, acknowledgments: unknown = ["item1", "item2", "item3"]) {
  return {
    sessionType: "individual",
    email,
    consentVersion: "2024-01-15",
    acknowledgments,
    ipAddress: "203.0.113.9",
    userAgent: "Mozilla/5.0 (spec sample)",
  };
}

function specBooking(date: string, time: string, email: string, paymentId: string) {
  return {
    sessionType: "individual",
    date,
    time,
    customer: { name: "Jane Doe", email, phone: "+919876543210" },
    consentAccepted: true,
    paymentId,
  };
}

describe("the therapy spec's calls, in order, as a guest", () => {
  it("books and confirms a paid session and sends the confirmation email", async () => {
    const email = newEmail();
    const date = futureWeekday(Math.floor(Math.random() * 30));
    const availability = await expectJson<{ slots: { time: string; available: boolean }[] }>(
      await post(api, "/api/availability", { date, sessionType: "individual" }),
      200,
    );
    const free = availability.slots.filter((slot) => slot.available);
    const slot = free[Math.floor(Math.random() * free.length)];
    if (!slot) throw new Error(`no free slot on ${date}`);

    expect(
      await expectJson(await post(api, "/api/consent", specConsent(email)), 201),
    ).toMatchObject({ success: true, consentId: expect.any(String) });

    const { order, providerPaymentId } = await payAsGuest(api);

    const booked = await expectJson<Record<string, unknown>>(
      await post(api, "/api/bookings", specBooking(date, slot.time, email, providerPaymentId)),
      201,
    );
    expect(booked).toMatchObject({
      success: true,
      bookingId: expect.any(String),
      confirmationUrl: expect.stringMatching(/\/bookings\/[0-9a-f-]{36}#token=/),
      status: "confirmed",
    });
    expect(await paymentRow(api, order.paymentId)).toMatchObject({
      status: "captured",
      booking_id: booked.bookingId,
    });
    // Delivered after the response (by the request's waitUntil or the database's call).
    await expect
      .poll(async () => (await outboxMailsTo(api, "booking_confirmation", email)).length)
      .toBe(1);

    // The payment is used: it books nothing else.
    await expectProblem(
      await post(
        api,
        "/api/bookings",
        specBooking(futureWeekday(31), "10:00 AM", newEmail(), providerPaymentId),
      ),
      422,
      "payment_not_usable",
    );
  });

  it("answers the spec's create-order sample without a Content-Type with 415 naming the header", async () => {
    const response = await send(api, "POST", "/api/payments/create-order", {
      body: JSON.stringify({ sessionType: "individual", format: "video" }),
      headers: { "content-type": "" },
    });
    const problem = await expectProblem(response, 415, "unsupported_media_type");
    expect(problem.detail).toContain("Content-Type: application/json");
    const plain = await send(api, "POST", "/api/payments/create-order", {
      body: JSON.stringify({ sessionType: "individual", format: "video" }),
      headers: { "content-type": "text/plain;charset=UTF-8" },
    });
    expect((await expectProblem(plain, 415, "unsupported_media_type")).detail).toContain(
      "Content-Type: application/json",
    );
  });

  it("accepts the acknowledgments as an object of item → true", async () => {
    await expectJson(
      await post(
        api,
        "/api/consent",
        specConsent(newEmail(), { item1: true, item2: true, item3: true }),
      ),
      201,
    );
  });
});

describe("a guest's hold paid with the sandbox", () => {
  it("takes the manage token, and confirms the hold once verified", async () => {
    const email = newEmail();
    await expectJson(await post(api, "/api/consent", specConsent(email)), 201);
    const held = await expectJson<{ bookingId: string; manageToken: string }>(
      await post(api, "/api/bookings", {
        sessionType: "individual",
        date: futureWeekday(4),
        time: "3:00 PM",
        practitionerId: await newPractitioner(api.supabase),
        customer: { name: "Jane Doe", email },
        consentAccepted: true,
      }),
      201,
    );
    const body = { sessionType: "individual", bookingId: held.bookingId };
    await expectProblem(await post(api, "/api/payments/create-order", body), 404, "not_found");
    const { order } = await payAsGuest(api, body, { "x-booking-token": held.manageToken });
    expect(await paymentRow(api, order.paymentId)).toMatchObject({
      status: "captured",
      booking_id: held.bookingId,
    });
    const booking = await expectJson<{ status: string }>(
      await send(api, "GET", `/api/bookings/${held.bookingId}`, {
        headers: { "x-booking-token": held.manageToken },
      }),
      200,
    );
    expect(booking.status).toBe("confirmed");
  });
});

describe("paying first, then booking", () => {
  it("refunds automatically and answers 409 when the slot was taken after the payment", async () => {
    const practitionerId = await newPractitioner(api.supabase);
    const date = futureWeekday(2);
    const email = newEmail();
    await expectJson(await post(api, "/api/consent", specConsent(email)), 201);
    const { order, providerPaymentId } = await payAsGuest(api);

    // Someone else holds the slot between this guest's payment and booking.
    const rival = newEmail();
    await expectJson(await post(api, "/api/consent", specConsent(rival)), 201);
    await expectJson(
      await post(api, "/api/bookings", {
        ...specBooking(date, "11:00 AM", rival, "x"),
        paymentId: undefined,
        practitionerId,
      }),
      201,
    );

    const problem = await expectProblem(
      await post(api, "/api/bookings", {
        ...specBooking(date, "11:00 AM", email, providerPaymentId),
        practitionerId,
      }),
      409,
      "slot_unavailable",
    );
    expect(problem.detail).toMatch(/refunded in full/);
    expect(problem).toMatchObject({
      paymentId: order.paymentId,
      refund: { status: "succeeded", amountMinor: 250000 },
    });
    expect(await paymentRow(api, order.paymentId)).toMatchObject({
      status: "refunded",
      booking_id: null,
      refunded_minor: "250000",
    });
    const { rows } = await api.supabase.db.query(
      "select 1 from public.bookings where paid_by_payment_id = $1",
      [order.paymentId],
    );
    expect(rows).toEqual([]);
    // Refunded: it cannot book another slot either.
    await expectProblem(
      await post(api, "/api/bookings", {
        ...specBooking(date, "2:00 PM", email, order.paymentId),
        practitionerId,
      }),
      422,
      "payment_not_usable",
    );
  });

  it("takes Bastion's own payment id, and refuses one for another session type", async () => {
    const practitionerId = await newPractitioner(api.supabase);
    const email = newEmail();
    await expectJson(await post(api, "/api/consent", specConsent(email)), 201);
    const { order } = await payAsGuest(api, { sessionType: "individual" });
    await expectProblem(
      await post(api, "/api/bookings", {
        ...specBooking(futureWeekday(1), "10:00 AM", email, order.paymentId),
        sessionType: "couples",
        practitionerId,
      }),
      422,
      "payment_not_usable",
    );
    const booked = await expectJson<{ status: string; booking: { format: string } }>(
      await post(api, "/api/bookings", {
        ...specBooking(futureWeekday(1), "10:00 AM", email, order.paymentId),
        practitionerId,
      }),
      201,
    );
    expect(booked).toMatchObject({ status: "confirmed", booking: { format: "video" } });
  });

  it("refuses a signed-in customer's payment to a guest", async () => {
    const user = await api.signUp();
    const order = await expectJson<Order>(
      await post(
        api,
        "/api/payments/create-order",
        { sessionType: "individual", format: "video" },
        { token: user.accessToken },
      ),
      201,
    );
    const providerPaymentId = sandboxPaymentId({
      orderId: order.orderId,
      amountMinor: order.amount,
      currency: order.currency,
      status: "captured",
    });
    // A guest cannot verify it …
    await expectProblem(
      await post(api, "/api/payments/verify", {
        razorpay_order_id: order.orderId,
        razorpay_payment_id: providerPaymentId,
        razorpay_signature: sandboxCheckoutSignature(order.orderId, providerPaymentId),
      }),
      400,
      "payment_verification_failed",
    );
    // … nor, once its owner has, book with it.
    await expectJson(
      await post(
        api,
        "/api/payments/verify",
        {
          razorpay_order_id: order.orderId,
          razorpay_payment_id: providerPaymentId,
          razorpay_signature: sandboxCheckoutSignature(order.orderId, providerPaymentId),
        },
        { token: user.accessToken },
      ),
      200,
    );
    const email = newEmail();
    await expectJson(await post(api, "/api/consent", specConsent(email)), 201);
    await expectProblem(
      await post(api, "/api/bookings", {
        ...specBooking(futureWeekday(3), "10:00 AM", email, providerPaymentId),
        practitionerId: await newPractitioner(api.supabase),
      }),
      422,
      "payment_not_usable",
    );
  });
});

describe("what the MindfulQALB SPA sends beyond the spec", () => {
  it("takes its create-order customer fields, refuses an unknown coupon, and books with its 12-hour time, notes and user_id", async () => {
    // Signed in, so these calls count against the user's payment limit, not this file's address.
    const user = await api.signUp();
    const spaOrder = {
      sessionType: "individual",
      format: "video",
      currency: "INR",
      customerName: "Asha Rao",
      customerEmail: "asha@example.test",
      customerPhone: "+91 98765 43210",
    };
    expect(
      await expectJson(
        await post(api, "/api/payments/create-order", spaOrder, { token: user.accessToken }),
        201,
      ),
    ).toMatchObject({ amount: 250000, currency: "INR" });
    const coupon = await expectProblem(
      await post(
        api,
        "/api/payments/create-order",
        { ...spaOrder, couponCode: "WELCOME10", coupon_code: "WELCOME10" },
        { token: user.accessToken },
      ),
      400,
      "bad_request",
    );
    // No such coupon exists here: refused in the words the SPA shows (its `error`), nothing charged.
    expect(coupon).toMatchObject({ error: "This coupon code is not valid." });

    const email = newEmail();
    await expectJson(await post(api, "/api/consent", specConsent(email)), 201);
    const practitionerId = await newPractitioner(api.supabase);
    const held = await expectJson<{ success: boolean; bookingId: string; status: string }>(
      await post(api, "/api/bookings", {
        sessionType: "individual",
        format: "video",
        date: futureWeekday(5),
        time: "5:00 PM",
        practitionerId,
        customer: { name: "Asha Rao", email, phone: "+91 98765 43210", notes: "" },
        user_id: crypto.randomUUID(),
      }),
      201,
    );
    expect(held).toMatchObject({ success: true, status: "held" });
  });
});
