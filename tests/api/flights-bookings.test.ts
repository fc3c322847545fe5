// Flight bookings end to end with Duffel as the provider (tests/helpers/fake-duffel.ts) and
// Stripe for payment (tests/helpers/fake-stripe.ts), both network-level fakes: search, book with
// travellers (validated per type, sealed at rest), a price change between search and booking,
// payment through the ledger with the amount from the confirmed offer, the Duffel order on
// capture, the full automatic refund when Duffel refuses, and cancellation (at Duffel, and the
// order sweep: flights-duffel-orders.test.ts).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApi, TEST_CRON_SECRET, type TestApi } from "../helpers/api.js";
import { type FakeDuffel, startFakeDuffel } from "../helpers/fake-duffel.js";
import { type FakeStripe, startFakeStripe } from "../helpers/fake-stripe.js";
import { outboxMailsTo } from "../helpers/local-outbox.js";
import { expectJson, expectProblem, post, send } from "../helpers/requests.js";
import { TEST_WEBHOOK_SECRET } from "../helpers/stripe-events.js";

const DUFFEL_TOKEN = "duffel_test_fake_0123456789";
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
let nextDay = 30;

interface Offer {
  offerToken: string;
  priceMinor: number;
  currency: string;
  documentsRequired: boolean;
  conditions: { refundable: boolean | null } | null;
}
interface Booking {
  id: string;
  reference: string;
  status: string;
  paymentStatus: string;
  amountMinor: number;
  currency: string;
  travelers: { type: string; givenName: string; familyName: string }[];
  providerBookingReference: string | null;
  cancellable: boolean;
}

/** Offers for one adult on a fresh day: the first non-refundable, the second refundable. */
async function offers(passengers: Record<string, string> = {}): Promise<Offer[]> {
  const query = new URLSearchParams({
    origin: "LHR",
    destination: "JFK",
    departureDate: inDays(nextDay++),
    currency: "GBP",
    ...passengers,
  });
  const result = await expectJson<{ offers: Offer[] }>(
    await send(api, "GET", `/api/flights/search?${query}`),
    200,
  );
  return result.offers;
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
const contact = { email: "amelia@example.com", phone: "+447700900123" };

async function book(token: string, offerToken: string, travelers: unknown[] = [adult]) {
  return post(api, "/api/flights/bookings", { offerToken, travelers, contact }, { token });
}

describe("booking a flight", () => {
  it("books at the confirmed price with a human reference and seals the travellers", async () => {
    const user = await api.signUp();
    const [offer] = await offers();
    const booking = await expectJson<Booking>(
      await book(user.accessToken, (offer as Offer).offerToken),
      201,
    );
    expect(booking).toMatchObject({
      status: "pending_payment",
      paymentStatus: "unpaid",
      amountMinor: 21040,
      currency: "GBP",
      travelers: [{ type: "adult", givenName: "Amelia", familyName: "Earhart-Smith" }],
    });
    expect(booking.reference).toMatch(/^[2-9A-HJKMNP-Z]{8}$/);

    const { data } = await api.supabase
      .client(api.supabase.serviceRoleKey)
      .from("flight_bookings")
      .select("travelers_sealed, contact_email_sealed, itinerary")
      .eq("id", booking.id)
      .single();
    const stored = JSON.stringify(data);
    expect(stored).not.toContain("Amelia");
    expect(stored).not.toContain("P1234567");
    expect(stored).not.toContain("amelia@example.com");

    const mine = await expectJson<{ bookings: Booking[] }>(
      await send(api, "GET", "/api/flights/bookings", { token: user.accessToken }),
      200,
    );
    expect(mine.bookings.map((b) => b.id)).toEqual([booking.id]);
    await expectJson(
      await send(api, "GET", `/api/flights/bookings/${booking.id}`, { token: user.accessToken }),
      200,
    );
    // Nobody else sees it, as for an unknown id.
    const other = await api.signUp();
    await expectProblem(
      await send(api, "GET", `/api/flights/bookings/${booking.id}`, { token: other.accessToken }),
      404,
      "not_found",
    );
    const theirs = await expectJson<{ bookings: Booking[] }>(
      await send(api, "GET", "/api/flights/bookings", { token: other.accessToken }),
      200,
    );
    expect(theirs.bookings).toEqual([]);
  });

  it("needs a signed-in traveller", async () => {
    const [offer] = await offers();
    await expectProblem(
      await post(api, "/api/flights/bookings", {
        offerToken: (offer as Offer).offerToken,
        travelers: [adult],
        contact,
      }),
      401,
      "unauthorized",
    );
  });

  it("refuses to book when the price changed since the search, with the new price and token", async () => {
    const user = await api.signUp();
    const [offer] = await offers();
    duffel.setPrice(duffel.offers().at(-2) as string, "250.00");
    const problem = await expectProblem(
      await book(user.accessToken, (offer as Offer).offerToken),
      409,
      "conflict",
    );
    expect(problem).toMatchObject({
      reason: "price_changed",
      previousPriceMinor: 21040,
      priceMinor: 25000,
      currency: "GBP",
    });
    const retried = await expectJson<Booking>(
      await book(user.accessToken, (problem as unknown as { offerToken: string }).offerToken),
      201,
    );
    expect(retried.amountMinor).toBe(25000);
  });

  it.each([
    [
      "the count of travellers differs from the offer's passengers",
      [adult, { ...adult, givenName: "Bea" }],
      "travelers",
    ],
    [
      "an adult is under 12",
      [{ ...adult, dateOfBirth: inDays(-365 * 8) }],
      "travelers.0.dateOfBirth",
    ],
    [
      "the passport is missing on a border-crossing itinerary",
      [{ ...adult, document: undefined }],
      "travelers.0.document",
    ],
    [
      "the passport expires before the flight",
      [{ ...adult, document: { number: "P1234567", expiresOn: inDays(5) } }],
      "travelers.0.document.expiresOn",
    ],
  ])("refuses travellers when %s", async (_case, travelers, field) => {
    const user = await api.signUp();
    const [offer] = await offers();
    const problem = await expectProblem(
      await book(user.accessToken, (offer as Offer).offerToken, travelers),
      400,
      "validation_failed",
    );
    expect(Object.keys(problem.errors ?? {})).toContain(field);
  });

  it("refuses a name that is not as on a passport, and unknown fields", async () => {
    const user = await api.signUp();
    const [offer] = await offers();
    await expectProblem(
      await book(user.accessToken, (offer as Offer).offerToken, [
        { ...adult, givenName: "R2-D2!" },
      ]),
      400,
      "validation_failed",
    );
    await expectProblem(
      await post(
        api,
        "/api/flights/bookings",
        { offerToken: (offer as Offer).offerToken, travelers: [adult], contact, amount: 1 },
        { token: user.accessToken },
      ),
      400,
      "validation_failed",
    );
  });

  it("checks infants and children by age on the day of travel", async () => {
    const user = await api.signUp();
    const [offer] = await offers({ adults: "1", infants: "1" });
    const infant = {
      ...adult,
      type: "infant",
      givenName: "Tom",
      dateOfBirth: inDays(-365 * 3),
    };
    const problem = await expectProblem(
      await book(user.accessToken, (offer as Offer).offerToken, [adult, infant]),
      400,
      "validation_failed",
    );
    expect(Object.keys(problem.errors ?? {})).toContain("travelers.1.dateOfBirth");
  });
});

interface Started {
  paymentId: string;
  paymentIntentId: string;
  clientSecret: string;
  amount: number;
  currency: string;
}

async function paidBooking(offerIndex = 0) {
  const user = await api.signUp();
  const list = await offers();
  const offer = list[offerIndex] as Offer;
  const booking = await expectJson<Booking>(await book(user.accessToken, offer.offerToken), 201);
  const started = await expectJson<Started>(
    await send(api, "POST", `/api/flights/bookings/${booking.id}/pay`, { token: user.accessToken }),
    201,
  );
  return { user, booking, started };
}

const confirm = (token: string, paymentIntentId: string) =>
  post(api, "/api/payments/confirm", { paymentIntentId }, { token });
/** The emails of the template to the contact address that name the booking's reference. */
async function mailsAbout(template: string, reference: string): Promise<string[]> {
  await expectJson(
    await send(api, "GET", "/api/cron/deliver-notifications", { token: TEST_CRON_SECRET }),
    200,
  );
  return (await outboxMailsTo(api, template, contact.email)).filter((text) =>
    text.includes(reference),
  );
}

const read = async (token: string, id: string) =>
  expectJson<Booking>(await send(api, "GET", `/api/flights/bookings/${id}`, { token }), 200);

describe("paying for a flight", () => {
  it("charges the confirmed offer's amount, and the capture orders the flight at Duffel", async () => {
    const { user, booking, started } = await paidBooking();
    expect(started).toMatchObject({ amount: 21040, currency: "GBP" });
    expect(stripe.intent(started.paymentIntentId)).toMatchObject({
      amount: 21040,
      currency: "gbp",
    });
    // Not paid yet: nothing is ordered.
    await expectJson(await confirm(user.accessToken, started.paymentIntentId), 200);
    expect(duffel.orders).toHaveLength(0);

    stripe.pay(started.paymentIntentId);
    expect(
      await expectJson(await confirm(user.accessToken, started.paymentIntentId), 200),
    ).toMatchObject({ status: "captured", bookingStatus: "confirmed" });
    const order = duffel.orders.at(-1);
    expect(order?.body).toMatchObject({
      type: "instant",
      payments: [{ type: "balance", amount: "210.40", currency: "GBP" }],
      passengers: [
        {
          given_name: "Amelia",
          family_name: "Earhart-Smith",
          born_on: "1990-07-24",
          email: "amelia@example.com",
          identity_documents: [{ type: "passport", unique_identifier: "P1234567" }],
        },
      ],
    });
    expect(await read(user.accessToken, booking.id)).toMatchObject({
      status: "confirmed",
      paymentStatus: "paid",
      providerBookingReference: order?.booking_reference,
    });
    const [mail] = await mailsAbout("flight_booking_confirmed", booking.reference);
    expect(mail).toContain(`airline reference ${order?.booking_reference}`);
    expect(mail).toContain("Amelia Earhart-Smith");
    expect(mail).toContain("LHR");
    // The flight's own email, not the practice's session receipt (which a flight cannot fill).
    const { rows: queued } = await api.supabase.db.query<{ template: string }>(
      "select template from public.notifications where payment_id = $1",
      [started.paymentId],
    );
    expect(queued.map((row) => row.template)).not.toContain("payment_receipt");
    // Confirming again orders nothing more.
    await expectJson(await confirm(user.accessToken, started.paymentIntentId), 200);
    expect(duffel.orders.filter((o) => o.id === order?.id)).toHaveLength(1);
    expect(duffel.orders).toHaveLength(1);

    // A second payment for a paid booking is not opened.
    await expectProblem(
      await send(api, "POST", `/api/flights/bookings/${booking.id}/pay`, {
        token: user.accessToken,
      }),
      409,
      "conflict",
    );
  });

  it("refunds the payment in full, automatically, when Duffel refuses the order", async () => {
    const { user, booking, started } = await paidBooking();
    duffel.refuseOrders(422);
    try {
      stripe.pay(started.paymentIntentId);
      expect(
        await expectJson(await confirm(user.accessToken, started.paymentIntentId), 200),
      ).toMatchObject({ bookingStatus: "failed" });
    } finally {
      duffel.refuseOrders(undefined);
    }
    expect(await read(user.accessToken, booking.id)).toMatchObject({
      status: "failed",
      paymentStatus: "refunded",
    });
    const refund = stripe.requests.find(
      (r) =>
        r.method === "POST" &&
        r.path === "/v1/refunds" &&
        r.params.payment_intent === started.paymentIntentId,
    );
    expect(refund?.params).toMatchObject({ amount: "21040" });
    const { data } = await api.supabase
      .client(api.supabase.serviceRoleKey)
      .from("payments")
      .select("status, refunded_minor")
      .eq("id", started.paymentId)
      .single();
    expect(data).toMatchObject({ status: "refunded", refunded_minor: 21040 });
  });

  it("refuses to cancel a non-refundable ticketed booking; cancels an unpaid one", async () => {
    // Refundable ticketed bookings are cancelled at Duffel: tests/api/flights-duffel-orders.test.ts.
    const fixed = await paidBooking(0);
    stripe.pay(fixed.started.paymentIntentId);
    await expectJson(await confirm(fixed.user.accessToken, fixed.started.paymentIntentId), 200);
    await expectProblem(
      await send(api, "POST", `/api/flights/bookings/${fixed.booking.id}/cancel`, {
        token: fixed.user.accessToken,
      }),
      409,
      "conflict",
    );
    // An unpaid booking is cancelled without a refund; another user's is 404.
    const user = await api.signUp();
    const [offer] = await offers();
    const unpaid = await expectJson<Booking>(
      await book(user.accessToken, (offer as Offer).offerToken),
      201,
    );
    await expectProblem(
      await send(api, "POST", `/api/flights/bookings/${unpaid.id}/cancel`, {
        token: fixed.user.accessToken,
      }),
      404,
      "not_found",
    );
    expect(
      await expectJson<Booking>(
        await send(api, "POST", `/api/flights/bookings/${unpaid.id}/cancel`, {
          token: user.accessToken,
        }),
        200,
      ),
    ).toMatchObject({ status: "cancelled", paymentStatus: "unpaid" });
  });
});
