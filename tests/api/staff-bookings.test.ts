// Staff work on their practitioners' bookings through /api/staff (issue 17, item 6): a day's
// list and one booking with its payments and consent record, customer data opened and every
// read recorded in public.personal_data_reads; a refund from the booking. Customers are refused
// (403), staff of another practitioner learn nothing (404 or an empty list), admins see all.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApi, type TestApi } from "../helpers/api.js";
import { insertBooking, newPractitioner } from "../helpers/confirmed-booking.js";
import { expectJson, expectProblem, send } from "../helpers/requests.js";
import { PROJECT_SEED } from "../helpers/supabase.js";

const DAY = 86_400_000;
const INDIVIDUAL = "5e55a0e1-0000-4000-8000-000000000001";

type User = { id: string; accessToken: string };
type Body = Record<string, unknown>;

let api: TestApi;
let staff: User;
let otherStaff: User;
let admin: User;
let customer: User;
let practitionerId: string;
let otherPractitionerId: string;
let days = 0;

beforeAll(async () => {
  api = await startTestApi({ seedFile: PROJECT_SEED, databaseWebhooks: false });
  [staff, otherStaff, admin, customer] = await Promise.all([
    api.signUp({ role: "staff" }),
    api.signUp({ role: "staff" }),
    api.signUp({ role: "admin" }),
    api.signUp(),
  ]);
  practitionerId = await newPractitioner(api.supabase.db, { userId: staff.id });
  otherPractitionerId = await newPractitioner(api.supabase.db, { userId: otherStaff.id });
});
afterAll(async () => {
  await api?.close();
});

/** 09:00 UTC on a day of its own, weeks ahead, so no other file's booking is on it. */
function nextDay(): Date {
  days += 1;
  const day = new Date(Date.now() + (40 + days) * DAY).toISOString().slice(0, 10);
  return new Date(`${day}T09:00:00.000Z`);
}

const date = (instant: Date) => instant.toISOString().slice(0, 10);

const get = (path: string, user: User) => send(api, "GET", path, { token: user.accessToken });

async function readsOf(id: string): Promise<{ actor: string; fields: string[] }[]> {
  const { rows } = await api.supabase.db.query<{ actor: string; fields: string[] }>(
    `select actor::text, fields from public.personal_data_reads
     where subject_table = 'bookings' and subject_id = $1 order by id`,
    [id],
  );
  return rows;
}

/** A captured sandbox payment for the booking, recorded as what paid for it. */
async function pay(bookingId: string): Promise<string> {
  const { rows } = await api.supabase.db.query<{ id: string }>(
    `insert into public.payments (booking_id, provider, provider_order_id, provider_payment_id,
       session_type_id, format, amount_minor, currency, status, captured_at)
     values ($1, 'sandbox', $2, $3, $4, 'video', 250000, 'INR', 'captured', now())
     returning id`,
    [bookingId, `order_${bookingId}`, `pay_${bookingId}`, INDIVIDUAL],
  );
  const paymentId = rows[0]?.id as string;
  await api.supabase.db.query(
    "update public.bookings set paid_by_payment_id = $2, amount_minor = 250000 where id = $1",
    [bookingId, paymentId],
  );
  return paymentId;
}

describe("GET /api/staff/bookings", () => {
  it("lists the day's bookings of the staff member's practitioner, opened, and logs each read", async () => {
    const start = nextDay();
    const mine = await insertBooking(api.supabase.db, { practitionerId, start });
    const later = await insertBooking(api.supabase.db, {
      practitionerId,
      start: new Date(start.getTime() + 2 * 3_600_000),
      phone: "+919876543210",
    });
    const theirs = await insertBooking(api.supabase.db, {
      practitionerId: otherPractitionerId,
      start,
    });
    const list = await expectJson<{ bookings: Body[]; from: string; to: string }>(
      await get(`/api/staff/bookings?from=${date(start)}`, staff),
      200,
    );
    expect(list.bookings.map((booking) => booking.id)).toEqual([mine, later]);
    expect(list.bookings[0]).toMatchObject({
      practitionerId,
      status: "confirmed",
      customer: { name: "Asha Rao", email: "asha@example.test", phone: null },
    });
    expect(list.bookings[1]).toMatchObject({ customer: { phone: "+919876543210" } });
    expect(list.from).toBe(`${date(start)}T00:00:00.000Z`);
    const fields = ["customer_name", "customer_email", "customer_phone", "notes"];
    expect(await readsOf(mine)).toEqual([{ actor: staff.id, fields }]);
    expect(await readsOf(theirs)).toEqual([]);
  });

  it("reads the dates in the time zone asked for", async () => {
    const start = nextDay(); // 09:00 UTC is 14:30 in Kolkata
    const id = await insertBooking(api.supabase.db, { practitionerId, start });
    const kolkata = await expectJson<{ bookings: Body[]; from: string }>(
      await get(`/api/staff/bookings?from=${date(start)}&timeZone=Asia/Kolkata`, staff),
      200,
    );
    expect(kolkata.bookings.map((booking) => booking.id)).toEqual([id]);
    expect(kolkata.from).toBe(new Date(Date.parse(`${date(start)}T00:00:00+05:30`)).toISOString());
    // 09:00 UTC is still the day before in Honolulu (UTC-10).
    const honolulu = await expectJson<{ bookings: Body[] }>(
      await get(`/api/staff/bookings?from=${date(start)}&timeZone=Pacific/Honolulu`, staff),
      200,
    );
    expect(honolulu.bookings.map((booking) => booking.id)).not.toContain(id);
  });

  it("shows staff of another practitioner nothing, refuses customers, and shows admins all", async () => {
    const start = nextDay();
    const id = await insertBooking(api.supabase.db, { practitionerId, start });
    const other = await expectJson<{ bookings: Body[] }>(
      await get(`/api/staff/bookings?from=${date(start)}`, otherStaff),
      200,
    );
    expect(other.bookings).toEqual([]);
    await expectProblem(
      await get(
        `/api/staff/bookings?from=${date(start)}&practitionerId=${practitionerId}`,
        otherStaff,
      ),
      404,
      "not_found",
    );
    await expectProblem(
      await get(`/api/staff/bookings?from=${date(start)}`, customer),
      403,
      "forbidden",
    );
    const all = await expectJson<{ bookings: Body[] }>(
      await get(`/api/staff/bookings?from=${date(start)}&practitionerId=${practitionerId}`, admin),
      200,
    );
    expect(all.bookings.map((booking) => booking.id)).toEqual([id]);
    expect(await readsOf(id)).toEqual([
      { actor: admin.id, fields: ["customer_name", "customer_email", "customer_phone", "notes"] },
    ]);
  });

  it("refuses a range longer than 31 days or ending before it starts", async () => {
    await expectProblem(
      await get("/api/staff/bookings?from=2027-01-01&to=2027-02-01", staff),
      400,
      "validation_failed",
    );
    await expectProblem(
      await get("/api/staff/bookings?from=2027-01-02&to=2027-01-01", staff),
      400,
      "validation_failed",
    );
  });
});

describe("GET /api/staff/bookings/:id", () => {
  it("answers the booking with its payments and consent record, and logs the read", async () => {
    const id = await insertBooking(api.supabase.db, { practitionerId, start: nextDay() });
    const paymentId = await pay(id);
    const consent = await api.supabase.db.query<{ id: string; items: string[] }>(
      `insert into public.consent_records (consent_version, session_type_id, email_hash,
         acknowledgments, expires_at)
       select v.version, $1, $2, v.required_items, now() + interval '30 days'
       from public.consent_versions as v where v.version = '2026-11'
       returning id, acknowledgments as items`,
      [INDIVIDUAL, crypto.randomUUID().replaceAll("-", "").padEnd(64, "0")],
    );
    const consentId = consent.rows[0]?.id as string;
    await api.supabase.db.query("update public.bookings set consent_id = $2 where id = $1", [
      id,
      consentId,
    ]);
    const record = await expectJson<Body>(await get(`/api/staff/bookings/${id}`, staff), 200);
    expect(record).toMatchObject({
      booking: { id, practitionerId, customer: { name: "Asha Rao" } },
      paidByPaymentId: paymentId,
      personalDataErasedAt: null,
      payments: [
        {
          id: paymentId,
          provider: "sandbox",
          status: "captured",
          amountMinor: 250000,
          refunds: [],
        },
      ],
      consent: { id: consentId, version: "2026-11", acknowledgments: consent.rows[0]?.items },
    });
    expect(JSON.stringify(record)).not.toMatch(/user_?agent|"ip"/i);
    expect(await readsOf(id)).toEqual([
      { actor: staff.id, fields: ["customer_name", "customer_email", "customer_phone", "notes"] },
    ]);
  });

  it("is 404 for staff of another practitioner, 403 for customers, 200 for admins", async () => {
    const id = await insertBooking(api.supabase.db, { practitionerId, start: nextDay() });
    await expectProblem(await get(`/api/staff/bookings/${id}`, otherStaff), 404, "not_found");
    await expectProblem(await get(`/api/staff/bookings/${id}`, customer), 403, "forbidden");
    expect(await readsOf(id)).toEqual([]);
    await expectJson(await get(`/api/staff/bookings/${id}`, admin), 200);
  });
});

describe("POST /api/staff/bookings/:id/refund", () => {
  const refund = (id: string, user: User, body: Body, key = crypto.randomUUID()) =>
    send(api, "POST", `/api/staff/bookings/${id}/refund`, { token: user.accessToken, body, key });

  it("refunds the booking's payment, logged with who asked; a retry is the same refund", async () => {
    const id = await insertBooking(api.supabase.db, { practitionerId, start: nextDay() });
    const paymentId = await pay(id);
    const key = crypto.randomUUID();
    const body = { amount: 1000, reason: "Goodwill" };
    const first = await expectJson<Body>(await refund(id, staff, body, key), 201);
    expect(first).toMatchObject({ paymentId, amountMinor: 1000 });
    await expectJson<Body>(await refund(id, staff, body, key), 201);
    const { rows } = await api.supabase.db.query<{ actor: string; action: string }>(
      `select actor::text, action from public.staff_actions
       where subject_table = 'payments' and subject_id = $1`,
      [paymentId],
    );
    expect(rows).toEqual([{ actor: staff.id, action: "payment.refund" }]);
  });

  it("is 404 for staff of another practitioner, 403 for customers, 409 for an unpaid booking", async () => {
    const id = await insertBooking(api.supabase.db, { practitionerId, start: nextDay() });
    const body = { reason: "Goodwill" };
    await expectProblem(await refund(id, staff, body), 409, "conflict");
    const paymentId = await pay(id);
    await expectProblem(await refund(id, otherStaff, body), 404, "not_found");
    await expectProblem(await refund(id, customer, body), 403, "forbidden");
    const { rows } = await api.supabase.db.query(
      "select 1 from public.refunds where payment_id = $1",
      [paymentId],
    );
    expect(rows).toEqual([]);
    const byAdmin = await expectJson<Body>(await refund(id, admin, body), 201);
    expect(byAdmin).toMatchObject({ paymentId, amountMinor: 250000 });
  });
});
