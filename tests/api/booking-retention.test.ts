// Retention for bookings (issue 17, item 7): an admin sets how many days after the session a
// booking's personal data is kept (PUT /api/admin/settings), and the daily job
// GET /api/cron/purge-bookings erases it — the customer's sealed name, email, phone and notes,
// the email and manage-token hashes, the cancellation reason and the account link — while the
// financial record stays: amounts, status, times, payments and refunds. Bookings within the
// period, and live ones, are untouched; a second run erases nothing new.
//
// booking_rules is one row shared by every file in CI's one database: this file sets a period
// of 3650 days, which only its own bookings (eleven years old, with a practitioner of its own)
// are past, and sets it back when it ends.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BOOKING_SEALED_COLUMNS } from "../../lib/bookings/sealed-columns.js";
import { sealPersonalData } from "../../lib/crypto/personal-data.js";
import { startTestApi, TEST_CRON_SECRET, type TestApi } from "../helpers/api.js";
import { newPractitioner } from "../helpers/confirmed-booking.js";
import { expectJson, expectProblem, send } from "../helpers/requests.js";
import { PROJECT_SEED } from "../helpers/supabase.js";

const DAY = 86_400_000;
const INDIVIDUAL = "5e55a0e1-0000-4000-8000-000000000001";
const PERIOD_DAYS = 3650;

type User = { id: string; accessToken: string };

let api: TestApi;
let admin: User;
let staff: User;
let customer: User;
let practitionerId: string;
let previous: string | null = null;

beforeAll(async () => {
  api = await startTestApi({ seedFile: PROJECT_SEED, databaseWebhooks: false });
  [admin, staff, customer] = await Promise.all([
    api.signUp({ role: "admin" }),
    api.signUp({ role: "staff" }),
    api.signUp(),
  ]);
  practitionerId = await newPractitioner(api.supabase.db, { userId: staff.id });
  const { rows } = await api.supabase.db.query<{ days: string | null }>(
    "select booking_retention_days::text as days from public.booking_rules",
  );
  previous = rows[0]?.days ?? null;
});
afterAll(async () => {
  await api?.supabase.db.query("update public.booking_rules set booking_retention_days = $1", [
    previous,
  ]);
  await api?.close();
});

const seal = (value: string, column: keyof typeof BOOKING_SEALED_COLUMNS) =>
  sealPersonalData(value, BOOKING_SEALED_COLUMNS[column]);

/** A paid booking of the customer's, `daysAgo` days ago; answers its id and its payment's. */
async function paidBooking(
  daysAgo: number,
  status: "confirmed" | "cancelled" | "completed",
): Promise<{ bookingId: string; paymentId: string }> {
  const start = new Date(Date.now() - daysAgo * DAY);
  const { rows } = await api.supabase.db.query<{ id: string }>(
    `insert into public.bookings (user_id, practitioner_id, session_type_id, format, during,
       blocked, status, amount_minor, currency, customer_name_sealed, customer_email_sealed,
       customer_email_hash, customer_phone_sealed, notes_sealed, manage_token_hash,
       cancellation_reason, sms_opt_in, created_at)
     values ($1, $2, $3, 'video', tstzrange($4::timestamptz, $4::timestamptz + interval '50 minutes'),
       tstzrange($4::timestamptz, $4::timestamptz + interval '60 minutes'), $5, 250000, 'INR',
       $6, $7, $8, $9, $10, $11, $12, true, $4::timestamptz - interval '1 day')
     returning id`,
    [
      customer.id,
      practitionerId,
      INDIVIDUAL,
      start.toISOString(),
      status,
      seal("Asha Rao", "customer_name_sealed"),
      seal("asha@example.test", "customer_email_sealed"),
      crypto.randomUUID(),
      seal("+919876543210", "customer_phone_sealed"),
      seal("Anxiety since the move", "notes_sealed"),
      crypto.randomUUID(),
      status === "cancelled" ? "Moving to Pune" : null,
    ],
  );
  const bookingId = rows[0]?.id as string;
  const payment = await api.supabase.db.query<{ id: string }>(
    `insert into public.payments (user_id, booking_id, provider, provider_order_id,
       provider_payment_id, session_type_id, format, amount_minor, currency, status, captured_at)
     values ($1, $2, 'sandbox', $3, $4, $5, 'video', 250000, 'INR', 'captured', $6)
     returning id`,
    [
      customer.id,
      bookingId,
      `order_${bookingId}`,
      `pay_${bookingId}`,
      INDIVIDUAL,
      start.toISOString(),
    ],
  );
  const paymentId = payment.rows[0]?.id as string;
  await api.supabase.db.query("update public.bookings set paid_by_payment_id = $2 where id = $1", [
    bookingId,
    paymentId,
  ]);
  return { bookingId, paymentId };
}

async function bookingRow(id: string) {
  const { rows } = await api.supabase.db.query<Record<string, unknown>>(
    `select user_id, customer_name_sealed, customer_email_sealed, customer_email_hash,
       customer_phone_sealed, notes_sealed, manage_token_hash, cancellation_reason, sms_opt_in,
       personal_data_erased_at is not null as erased, status, amount_minor::text as amount,
       currency, lower(during) as starts_at, paid_by_payment_id
     from public.bookings where id = $1`,
    [id],
  );
  return rows[0] as Record<string, unknown>;
}

async function paymentRow(id: string) {
  const { rows } = await api.supabase.db.query<Record<string, unknown>>(
    `select user_id, booking_id, status, amount_minor::text as amount, currency, captured_at
     from public.payments where id = $1`,
    [id],
  );
  return rows[0] as Record<string, unknown>;
}

const purge = (secret = TEST_CRON_SECRET) =>
  fetch(`${api.url}/api/cron/purge-bookings`, { headers: { authorization: `Bearer ${secret}` } });

const settings = (user: User, body?: unknown) =>
  send(api, body === undefined ? "GET" : "PUT", "/api/admin/settings", {
    token: user.accessToken,
    body,
  });

describe("booking retention", () => {
  it("is set by admins only", async () => {
    for (const user of [customer, staff]) {
      await expectProblem(await settings(user, { bookingRetentionDays: 1 }), 403, "forbidden");
      await expectProblem(await settings(user), 403, "forbidden");
    }
    await expectProblem(
      await settings(admin, { bookingRetentionDays: 0 }),
      400,
      "validation_failed",
    );
    expect(
      await expectJson(await settings(admin, { bookingRetentionDays: PERIOD_DAYS }), 200),
    ).toEqual({ bookingRetentionDays: PERIOD_DAYS, practitionerAssignment: "first_active" });
    expect(await expectJson(await settings(admin), 200)).toEqual({
      bookingRetentionDays: PERIOD_DAYS,
      practitionerAssignment: "first_active",
    });
    const { rows } = await api.supabase.db.query<{ actor: string; detail: unknown }>(
      `select actor::text, detail from public.staff_actions
       where action = 'settings.update' and actor = $1`,
      [admin.id],
    );
    expect(rows).toEqual([{ actor: admin.id, detail: { booking_retention_days: PERIOD_DAYS } }]);
  });

  it("erases the personal data of bookings past the period and keeps the financial record", async () => {
    await expectJson(await settings(admin, { bookingRetentionDays: PERIOD_DAYS }), 200);
    const old = await paidBooking(PERIOD_DAYS + 30, "completed");
    const oldCancelled = await paidBooking(PERIOD_DAYS + 60, "cancelled");
    const recent = await paidBooking(PERIOD_DAYS - 30, "completed");
    const before = await bookingRow(old.bookingId);
    const paymentBefore = await paymentRow(old.paymentId);

    await expectProblem(await purge("not-the-secret"), 401, "unauthorized");
    const first = await expectJson<{ erased: number }>(await purge(), 200);
    expect(first.erased).toBeGreaterThanOrEqual(2);

    for (const { bookingId, paymentId } of [old, oldCancelled]) {
      const row = await bookingRow(bookingId);
      expect(row).toMatchObject({
        user_id: null,
        customer_name_sealed: null,
        customer_email_sealed: null,
        customer_email_hash: null,
        customer_phone_sealed: null,
        notes_sealed: null,
        manage_token_hash: null,
        cancellation_reason: null,
        sms_opt_in: false,
        erased: true,
        amount: "250000",
        currency: "INR",
        paid_by_payment_id: paymentId,
      });
      expect(await paymentRow(paymentId)).toMatchObject({
        user_id: null,
        booking_id: bookingId,
        status: "captured",
        amount: "250000",
      });
    }
    const after = await bookingRow(old.bookingId);
    expect({ status: after.status, starts_at: after.starts_at }).toEqual({
      status: before.status,
      starts_at: before.starts_at,
    });
    expect((await paymentRow(old.paymentId)).captured_at).toEqual(paymentBefore.captured_at);

    // Within the period: untouched.
    expect(await bookingRow(recent.bookingId)).toMatchObject({
      user_id: customer.id,
      erased: false,
      cancellation_reason: null,
    });
    expect((await bookingRow(recent.bookingId)).customer_name_sealed).not.toBeNull();
    expect((await paymentRow(recent.paymentId)).user_id).toBe(customer.id);

    // Staff see the booking with no customer, and when it was erased; nothing to log as read.
    const record = await expectJson<{
      booking: { customer: unknown; notes: unknown };
      personalDataErasedAt: string | null;
    }>(
      await send(api, "GET", `/api/staff/bookings/${old.bookingId}`, {
        token: staff.accessToken,
      }),
      200,
    );
    expect(record.booking).toMatchObject({ customer: null, notes: null });
    expect(record.personalDataErasedAt).not.toBeNull();
    const reads = await api.supabase.db.query(
      "select 1 from public.personal_data_reads where subject_id = $1",
      [old.bookingId],
    );
    expect(reads.rows).toEqual([]);

    // The customer no longer finds it among their bookings.
    const mine = await expectJson<{ bookings: { id: string }[] }>(
      await send(api, "GET", "/api/bookings?limit=50", { token: customer.accessToken }),
      200,
    );
    expect(mine.bookings.map((b) => b.id)).not.toContain(old.bookingId);
    expect(mine.bookings.map((b) => b.id)).toContain(recent.bookingId);

    // Idempotent: the erased bookings are not erased again.
    const { rows: stamps } = await api.supabase.db.query<{ at: string }>(
      "select personal_data_erased_at::text as at from public.bookings where id = $1",
      [old.bookingId],
    );
    await expectJson(await purge(), 200);
    const { rows: again } = await api.supabase.db.query<{ at: string }>(
      "select personal_data_erased_at::text as at from public.bookings where id = $1",
      [old.bookingId],
    );
    expect(again).toEqual(stamps);
  });

  it("erases nothing while no period is set", async () => {
    await expectJson(await settings(admin, { bookingRetentionDays: null }), 200);
    const old = await paidBooking(PERIOD_DAYS + 90, "completed");
    expect(await expectJson(await purge(), 200)).toMatchObject({
      erased: 0,
      submissionsDeleted: expect.any(Number),
    });
    expect(await bookingRow(old.bookingId)).toMatchObject({ erased: false, user_id: customer.id });
  });
});
