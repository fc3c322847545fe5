// Guests pay for their holds on every provider (issue 17, item 2), with the manage token their
// booking answered (X-Booking-Token) and no account or Idempotency-Key: a Razorpay order (a
// network-level fake of Razorpay's API), a Stripe PaymentIntent and a Stripe Checkout Session (a
// network-level fake of Stripe's). Without the hold's token the hold is as unknown as a made-up
// id. The sandbox's guest hold payment is in tests/api/therapy-spec-guest.test.ts (a stack
// without provider keys). Each hold is with a practitioner of its own.
import { createHmac } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SPA_ORIGIN, startTestApi, type TestApi } from "../helpers/api.js";
import { consentBody, futureWeekday } from "../helpers/booking-hold.js";
import { type FakeRazorpay, startFakeRazorpay } from "../helpers/fake-razorpay.js";
import { type FakeStripe, startFakeStripe } from "../helpers/fake-stripe.js";
import { outboxMailsTo } from "../helpers/local-outbox.js";
import { newPractitioner } from "../helpers/practitioner.js";
import { expectJson, expectProblem, post, send } from "../helpers/requests.js";
import { stripeEvent, TEST_WEBHOOK_SECRET } from "../helpers/stripe-events.js";
import { PROJECT_SEED } from "../helpers/supabase.js";

const KEY_ID = "rzp_test_bastion_guest";
const KEY_SECRET = "fake-razorpay-guest-secret";

let api: TestApi;
let razorpay: FakeRazorpay;
let stripe: FakeStripe;
beforeAll(async () => {
  razorpay = await startFakeRazorpay(KEY_ID, KEY_SECRET);
  stripe = await startFakeStripe();
  api = await startTestApi({
    seedFile: PROJECT_SEED,
    env: {
      RAZORPAY_KEY_ID: KEY_ID,
      RAZORPAY_KEY_SECRET: KEY_SECRET,
      RAZORPAY_API_URL: razorpay.url,
      STRIPE_SECRET_KEY: stripe.secretKey,
      STRIPE_WEBHOOK_SECRET: TEST_WEBHOOK_SECRET,
      STRIPE_API_URL: stripe.url,
    },
  });
});
afterAll(async () => {
  await api?.close();
  await razorpay?.close();
  await stripe?.close();
});

/** A guest's live hold on an individual video session (₹2,500.00): its id and manage token. */
async function guestHold(): Promise<{ bookingId: string; token: string; email: string }> {
  const email = `guest-${crypto.randomUUID().slice(0, 12)}@example.test`;
  await expectJson(await post(api, "/api/consent", consentBody(email)), 201);
  const held = await expectJson<{ bookingId: string; manageToken: string; status: string }>(
    await post(api, "/api/bookings", {
      sessionType: "individual",
      date: futureWeekday(),
      time: "10:00 AM",
      practitionerId: await newPractitioner(api.supabase),
      customer: { name: "Asha Rao", email },
      consentAccepted: true,
    }),
    201,
  );
  expect(held.status).toBe("held");
  return { bookingId: held.bookingId, token: held.manageToken, email };
}

const withToken = (token: string) => ({ headers: { "x-booking-token": token } });

async function bookingStatus(bookingId: string, token: string): Promise<string> {
  const booking = await expectJson<{ status: string }>(
    await send(api, "GET", `/api/bookings/${bookingId}`, withToken(token)),
    200,
  );
  return booking.status;
}

/**
 * Without the hold's token (none, or another hold's when `otherHold`), the hold is not found.
 * Guests' payment calls are limited per address (10 in 10 minutes) and every request here comes
 * from one, so the file asks sparingly.
 */
async function expectRefusedWithoutToken(path: string, body: object, otherHold = false) {
  const other = otherHold ? [withToken((await guestHold()).token)] : [];
  for (const options of [{}, ...other]) {
    await expectProblem(await post(api, path, body, options), 404, "not_found");
  }
}

describe("a guest pays for a hold with its manage token", () => {
  it("with a Razorpay order, then verify confirms the hold and mails the receipt", async () => {
    const { bookingId, token, email } = await guestHold();
    const body = { sessionType: "individual", format: "video", bookingId };
    await expectRefusedWithoutToken("/api/payments/create-order", body, true);
    const order = await expectJson<{ orderId: string; amount: number; keyId: string }>(
      await post(api, "/api/payments/create-order", body, withToken(token)),
      201,
    );
    expect(order).toMatchObject({ amount: 250000, keyId: KEY_ID });
    const payment = razorpay.pay(order.orderId);
    const verified = await expectJson<{ bookingStatus: string; providerPaymentId: string }>(
      await post(api, "/api/payments/verify", {
        razorpay_order_id: order.orderId,
        razorpay_payment_id: payment.id,
        razorpay_signature: createHmac("sha256", KEY_SECRET)
          .update(`${order.orderId}|${payment.id}`)
          .digest("hex"),
      }),
      200,
    );
    expect(verified).toMatchObject({ bookingStatus: "confirmed", providerPaymentId: payment.id });
    expect(await bookingStatus(bookingId, token)).toBe("confirmed");
    // The receipt goes to the address the guest booked with, as the confirmation does.
    for (const template of ["payment_receipt", "booking_confirmation"]) {
      await expect.poll(async () => (await outboxMailsTo(api, template, email)).length).toBe(1);
    }
  });

  it("with a Stripe PaymentIntent, then confirm confirms the hold", async () => {
    const { bookingId, token } = await guestHold();
    await expectRefusedWithoutToken("/api/payments/create-intent", { bookingId });
    const intent = await expectJson<{ paymentIntentId: string; amount: number }>(
      await post(api, "/api/payments/create-intent", { bookingId }, withToken(token)),
      201,
    );
    expect(intent.amount).toBe(250000);
    stripe.pay(intent.paymentIntentId);
    const confirmed = await expectJson<{ status: string; bookingStatus: string }>(
      await post(api, "/api/payments/confirm", { paymentIntentId: intent.paymentIntentId }),
      200,
    );
    expect(confirmed).toMatchObject({ status: "captured", bookingStatus: "confirmed" });
    expect(await bookingStatus(bookingId, token)).toBe("confirmed");
  });

  it("with a Stripe Checkout Session, which the webhook then records", async () => {
    const { bookingId, token } = await guestHold();
    const body = {
      sessionType: "individual",
      customer: { email: "guest-checkout@example.test" },
      successUrl: `${SPA_ORIGIN}/bookings/${bookingId}`,
      cancelUrl: `${SPA_ORIGIN}/bookings/${bookingId}`,
      bookingId,
    };
    const created = await expectJson<{ sessionId: string; url: string }>(
      await post(api, "/api/payments/create-checkout", body, withToken(token)),
      201,
    );
    expect(created.url).toBe(`https://checkout.stripe.test/c/pay/${created.sessionId}`);
    const { session } = stripe.completeCheckout(created.sessionId);
    const delivery = stripeEvent("checkout.session.completed", session);
    await expectJson(
      await post(api, "/api/webhooks/stripe", delivery.body, {
        headers: { "stripe-signature": delivery.signature },
      }),
      200,
    );
    expect(await bookingStatus(bookingId, token)).toBe("confirmed");
  });

  it("opens a Stripe Checkout Session for a session from the catalogue, as the spec's SPA asks", async () => {
    const created = await expectJson<{ sessionId: string; url: string }>(
      await post(api, "/api/payments/create-checkout", {
        sessionType: "individual",
        format: "video",
        customer: { email: "guest-checkout@example.test" },
        successUrl: `${SPA_ORIGIN}/paid`,
        cancelUrl: `${SPA_ORIGIN}/book`,
      }),
      201,
    );
    expect(created).toMatchObject({ sessionId: expect.any(String), url: expect.any(String) });
  });
});
