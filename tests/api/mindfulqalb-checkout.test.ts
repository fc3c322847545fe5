// The MindfulQALB SPA's paid checkout, each call played exactly as its code writes it
// (src/services/paymentService.ts, apiService.ts, calendarService.ts): POST /api/availability →
// POST /api/coupons/validate {code, amountPaise} → POST /api/payments/create-order with
// `couponCode` and `coupon_code` and no token → the checkout → POST /api/payments/verify → POST
// /api/consent and POST /api/bookings with the customer's token → POST /api/payments/link
// {razorpay_order_id, booking_id}. The discount is the server's; the hold is confirmed by the
// link at the amount paid.
//
// Guests' payment calls share the "payment" limit per address (10 in 10 minutes): this file makes
// fewer. Coupon checks are limited per address too (10 in 10 minutes): the last test fills it.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  sandboxCheckoutSignature,
  sandboxPaymentId,
} from "../../lib/payments/providers/sandbox.js";
import { startTestApi, type TestApi } from "../helpers/api.js";
import { futureWeekday } from "../helpers/booking-hold.js";
import { expectJson, expectProblem, post, send } from "../helpers/requests.js";
import { PROJECT_SEED } from "../helpers/supabase.js";

/** The SPA's inline consent checkbox: version 1.0 and these six keys. */
const SPA_ACKNOWLEDGMENTS = [
  "read_understood",
  "questions_answered",
  "consent_services",
  "confidentiality_understood",
  "payment_policies",
  "voluntary_consent",
];

const run = crypto.randomUUID().slice(0, 8).toUpperCase();
const CODES = {
  tenPercent: `SPA10-${run}`,
  expired: `OLD-${run}`,
  once: `ONCE-${run}`,
  fixedUsd: `USD5-${run}`,
};

let api: TestApi;
let admin: { id: string; accessToken: string };
let couponChecks = 0;

beforeAll(async () => {
  api = await startTestApi({ seedFile: PROJECT_SEED });
  admin = await api.signUp({ role: "admin" });
  const published = await post(
    api,
    "/api/consent/versions",
    { version: "1.0", title: "Informed consent (MindfulQALB)", requiredItems: SPA_ACKNOWLEDGMENTS },
    { token: admin.accessToken },
  );
  expect([201, 409]).toContain(published.status);
  await api.supabase.db.query(
    "update public.consent_versions set active = true where version = '1.0'",
  );
  await api.supabase.db.query(
    `insert into public.coupons (code, percent_off, amount_off_minor, currency, max_uses, expires_at)
     values ($1, 10, null, null, null, null),
            ($2, 50, null, null, null, now() - interval '1 day'),
            ($3, 20, null, null, 1, null),
            ($4, null, 500, 'USD', null, null)`,
    [CODES.tenPercent, CODES.expired, CODES.once, CODES.fixedUsd],
  );
});
afterAll(async () => {
  // Other files sharing the database (CI) offer the newest active version: not this one.
  if (admin) {
    await send(api, "POST", "/api/consent/versions/1.0/retire", { token: admin.accessToken });
  }
  await api?.close();
});

/** paymentService.validateCoupon: `{ code: raw, amountPaise: amount }`, JSON, no token. */
function validateCoupon(code: string, amountPaise = 250000) {
  couponChecks++;
  return fetch(`${api.url}/api/coupons/validate`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ code, amountPaise }),
  });
}

/** paymentService.processRazorpayPayment's create-order body, with a coupon. */
function createOrder(couponCode?: string, currency = "INR") {
  const body: Record<string, unknown> = {
    sessionType: "individual",
    format: "video",
    currency,
    customerName: "Asha Rao",
    customerEmail: "asha@example.com",
    customerPhone: "+91 98765 43210",
  };
  if (couponCode) {
    body.couponCode = couponCode;
    body.coupon_code = couponCode;
  }
  return fetch(`${api.url}/api/payments/create-order`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify(body),
  });
}

/** The Razorpay handler's verify call: the three raw fields, no token. */
async function checkoutAndVerify(order: { orderId: string; amount: number; currency: string }) {
  const razorpayPaymentId = sandboxPaymentId({
    orderId: order.orderId,
    amountMinor: order.amount,
    currency: order.currency,
    status: "captured",
  });
  const response = await fetch(`${api.url}/api/payments/verify`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({
      razorpay_order_id: order.orderId,
      razorpay_payment_id: razorpayPaymentId,
      razorpay_signature: sandboxCheckoutSignature(order.orderId, razorpayPaymentId),
    }),
  });
  expect(response.ok).toBe(true);
  expect(((await response.json()) as { verified?: boolean }).verified).toBe(true);
}

/** apiService.linkPaymentToBooking. */
function linkPayment(token: string, razorpayOrderId: string, bookingId: string) {
  return fetch(`${api.url}/api/payments/link`, {
    method: "POST",
    headers: { "Content-Type": "application/json", Authorization: `Bearer ${token}` },
    body: JSON.stringify({ razorpay_order_id: razorpayOrderId, booking_id: bookingId }),
  });
}

/** A customer's consent and hold as BookingFlow.completeBooking sends them; the booking id. */
async function consentAndBook(customer: { id: string; accessToken: string }): Promise<string> {
  const email = `spa-${crypto.randomUUID().slice(0, 10)}@example.test`;
  const date = futureWeekday(Math.floor(Math.random() * 30));
  // calendarService.fetchAvailability: the day's slots, reading only `slots`.
  const availability = await fetch(`${api.url}/api/availability`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ date, sessionType: "individual" }),
  });
  const { slots } = (await expectJson(availability, 200)) as {
    slots: { time: string; available: boolean }[];
  };
  const free = slots.filter((slot) => slot.available);
  const slot = free[Math.floor(Math.random() * free.length)];
  if (!slot) throw new Error(`no free slot on ${date}`);
  expect(slot.time).toMatch(/^(\d{1,2}):(\d{2})\s*(AM|PM)$/);

  const consent = await fetch(`${api.url}/api/consent`, {
    method: "POST",
    headers: {
      "Content-Type": "application/json",
      Authorization: `Bearer ${customer.accessToken}`,
    },
    body: JSON.stringify({
      sessionType: "individual",
      email,
      consentVersion: "1.0",
      acknowledgments: SPA_ACKNOWLEDGMENTS,
    }),
  });
  expect(consent.ok).toBe(true);
  await consent.json();

  const booking = await fetch(`${api.url}/api/bookings`, {
    method: "POST",
    headers: {
      "Content-Type": "application/json",
      Authorization: `Bearer ${customer.accessToken}`,
    },
    body: JSON.stringify({
      sessionType: "individual",
      format: "video",
      date,
      time: slot.time,
      customer: { name: "Asha Rao", email, phone: "+91 98765 43210", notes: "" },
      user_id: customer.id,
    }),
  });
  const data = (await booking.json()) as {
    success?: boolean;
    databaseId?: string;
    bookingId?: string;
  };
  expect(booking.ok, JSON.stringify(data)).toBe(true);
  expect(data.success).toBe(true);
  const bookingId = data.databaseId || data.bookingId;
  if (!bookingId) throw new Error("no booking id");
  return bookingId;
}

async function bookingRow(id: string) {
  const { rows } = await api.supabase.db.query<{
    status: string;
    amount_minor: string;
    currency: string;
    paid_by_payment_id: string | null;
  }>(
    "select status, amount_minor::text, currency, paid_by_payment_id::text from public.bookings where id = $1",
    [id],
  );
  return rows[0];
}

describe("POST /api/coupons/validate as the SPA calls it", () => {
  it("previews a valid code's discount in the fields the SPA reads, in any case", async () => {
    const data = await expectJson(await validateCoupon(CODES.tenPercent), 200);
    expect(data).toEqual({
      valid: true,
      discountPaise: 25000,
      code: CODES.tenPercent,
      couponId: expect.any(String),
    });
    const lower = await expectJson(
      await validateCoupon(CODES.tenPercent.toLowerCase(), 129900),
      200,
    );
    expect(lower).toMatchObject({ valid: true, discountPaise: 12990, code: CODES.tenPercent });
  });

  it("answers every code that gives no discount the same: unknown, expired, another currency", async () => {
    const answers = [];
    for (const code of [`NOPE-${run}`, CODES.expired, CODES.fixedUsd, "bad code!"]) {
      const response = await validateCoupon(code);
      answers.push({ status: response.status, body: await response.json() });
    }
    for (const answer of answers) {
      expect(answer).toEqual({
        status: 200,
        body: { valid: false, message: "This coupon code is not valid." },
      });
    }
  });

  it("refuses fields the SPA does not send, as problem+json", async () => {
    couponChecks++;
    await expectProblem(
      await post(api, "/api/coupons/validate", {
        code: CODES.tenPercent,
        amountPaise: 100,
        amount: 1,
      }),
      400,
      "validation_failed",
    );
  });
});

describe("the paid checkout with a coupon, then the booking and POST /api/payments/link", () => {
  it("discounts the order on the server, books, and confirms the hold at the amount paid", async () => {
    const customer = await api.signUp();
    const response = await createOrder(CODES.tenPercent);
    expect(response.status).toBe(201);
    const order = (await response.json()) as {
      orderId: string;
      amount: number;
      currency: string;
      keyId: string;
      discountPaise?: number;
      isFree?: boolean;
    };
    // What the SPA requires: orderId, amount and keyId; the discount already off the amount.
    expect(order).toMatchObject({ amount: 225000, currency: "INR", discountPaise: 25000 });
    expect(order.orderId).toBeTruthy();
    expect(order.keyId).toBeTruthy();
    expect(order.isFree).toBeUndefined();
    await checkoutAndVerify(order);

    const bookingId = await consentAndBook(customer);
    expect(await bookingRow(bookingId)).toMatchObject({ status: "held" });

    const linked = await linkPayment(customer.accessToken, order.orderId, bookingId);
    expect(await expectJson(linked, 200)).toEqual({
      success: true,
      bookingId,
      status: "confirmed",
    });
    expect(await bookingRow(bookingId)).toMatchObject({
      status: "confirmed",
      amount_minor: "225000",
      currency: "INR",
      paid_by_payment_id: expect.any(String),
    });
    // Again: the same answer (the SPA never retries, but a double click may).
    expect(
      await expectJson(await linkPayment(customer.accessToken, order.orderId, bookingId), 200),
    ).toMatchObject({ success: true, status: "confirmed" });

    // Someone else's token: as an unknown booking.
    const stranger = await api.signUp();
    await expectProblem(
      await linkPayment(stranger.accessToken, order.orderId, bookingId),
      404,
      "not_found",
    );
    // The used payment pays for no other hold.
    const other = await consentAndBook(customer);
    await expectProblem(
      await linkPayment(customer.accessToken, order.orderId, other),
      422,
      "payment_not_usable",
    );
    // Without a token (the SPA sends none when signed out): 401.
    const guest = await fetch(`${api.url}/api/payments/link`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ razorpay_order_id: order.orderId, booking_id: bookingId }),
    });
    await expectProblem(guest, 401, "unauthorized");
  });

  it("refuses a code that gives no discount with the `error` the SPA shows, and counts uses", async () => {
    const expired = await createOrder(CODES.expired);
    const refused = await expectProblem(expired, 400, "bad_request");
    expect(refused).toMatchObject({ error: "This coupon code is not valid." });

    // A code for one use: the first open order holds it, so a second checkout gets no discount.
    expect(await expectJson(await createOrder(CODES.once), 201)).toMatchObject({
      amount: 200000,
      discountPaise: 50000,
    });
    await expectProblem(await createOrder(CODES.once), 400, "bad_request");

    // A fixed amount in US dollars, for a customer the SPA charges in USD.
    const usd = (await expectJson(await createOrder(CODES.fixedUsd, "USD"), 201)) as {
      amount: number;
      discountPaise: number;
    };
    expect(usd.discountPaise).toBe(500);
  });

  it("limits coupon checks per address: the eleventh in ten minutes is 429", async () => {
    while (couponChecks < 10) {
      expect((await validateCoupon(`NOPE-${run}`)).status).toBe(200);
    }
    await expectProblem(await validateCoupon(CODES.tenPercent), 429, "rate_limited");
  });
});
