// The pay-first race at the database: POST /api/bookings with a payment makes one call,
// book_session_at, which locks the payment. When the slot was taken after the payment, that same
// call reserves the full refund before the lock is released, so a second booking with the same
// payment (waiting on the lock, in a request racing this one) finds it refunded and is refused;
// if the refund were left to the API after the call, the second could book a session whose
// payment is then given back. tests/api/therapy-spec-guest.test.ts plays the race through the API.
import { afterAll, beforeAll, expect, it } from "vitest";
import { BOOKING_SEALED_COLUMNS } from "../../lib/bookings/sealed-columns.js";
import { sealPersonalData } from "../../lib/crypto/personal-data.js";
import { customerEmailHash } from "../../lib/customers/customer-email.js";
import { startTestApi, type TestApi } from "../helpers/api.js";
import { consentFor, futureWeekday } from "../helpers/booking-hold.js";
import { payAsGuest } from "../helpers/guest-payment.js";
import { newPractitioner } from "../helpers/practitioner.js";
import { expectJson, post } from "../helpers/requests.js";
import { PROJECT_SEED } from "../helpers/supabase.js";

let api: TestApi;
beforeAll(async () => {
  api = await startTestApi({ seedFile: PROJECT_SEED });
});
afterAll(async () => {
  await api?.close();
});

const run = crypto.randomUUID().slice(0, 8);
const email = `payer-${run}@example.test`;
const rival = `rival-${run}@example.test`;

it("reserves the refund in the same call that finds the slot taken, so no racing booking can use the payment", async () => {
  const practitionerId = await newPractitioner(api.supabase);
  const date = futureWeekday(2);

  await consentFor(api, email);
  const { order } = await payAsGuest(api);

  await consentFor(api, rival);
  await expectJson(
    await post(api, "/api/bookings", {
      sessionType: "individual",
      date,
      time: "11:00 AM",
      customer: { name: "Rival", email: rival },
      consentAccepted: true,
      practitionerId,
    }),
    201,
  );
  // The database call POST /api/bookings makes, without the API's refund after it: what a
  // second booking with the same payment, waiting on the payment's lock, sees next.
  const server = api.supabase.client(api.supabase.serviceRoleKey);
  const book = (minutes: number) =>
    server.rpc("book_session_at", {
      p_user_id: null,
      p_manage_token_hash: "0".repeat(64),
      p_payment_ref: order.paymentId,
      p_session_type_slug: "individual",
      p_format: null,
      p_practitioner_id: practitionerId,
      p_date: date,
      p_minutes: minutes,
      p_currency: null,
      p_customer_name_sealed: sealPersonalData(
        "Jane Doe",
        BOOKING_SEALED_COLUMNS.customer_name_sealed,
      ),
      p_customer_email_sealed: sealPersonalData(
        email,
        BOOKING_SEALED_COLUMNS.customer_email_sealed,
      ),
      p_customer_email_hash: customerEmailHash(email),
      p_customer_phone_sealed: null,
      p_notes_sealed: null,
      p_consent_accepted: true,
      p_consent_id: null,
    });
  const taken = await book(11 * 60);
  expect(taken.error).toBeNull();
  expect(taken.data).toMatchObject({ slot_taken: true });
  const { rows: refunds } = await api.supabase.db.query(
    "select status, amount_minor::text as amount, idempotency_key as key from public.refunds where payment_id = $1",
    [order.paymentId],
  );
  expect(refunds).toEqual([
    { status: "pending", amount: "250000", key: `unusable-capture:${order.paymentId}` },
  ]);
  expect((await book(14 * 60)).error?.code).toBe("BKPAY");
});
