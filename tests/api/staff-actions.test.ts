// Staff act only for the practitioner they are linked to, and what they do is in the audit log
// (public.staff_actions, supabase/migrations/20261121000000_platform.sql): a refund
// with who asked and how much, a booking confirmed, moved, changed or cancelled, a message asked
// for, a consent record read (tests/api/consent.test.ts). Bookings and payments are written with
// SQL for a practitioner of this file's own, so nothing here depends on the seeded one.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BOOKING_SEALED_COLUMNS } from "../../lib/bookings/sealed-columns.js";
import { sealPersonalData } from "../../lib/crypto/personal-data.js";
import { startTestApi, type TestApi } from "../helpers/api.js";
import { newPractitioner } from "../helpers/confirmed-booking.js";
import { expectJson, expectProblem, send } from "../helpers/requests.js";
import { PROJECT_SEED } from "../helpers/supabase.js";

const DAY = 86_400_000;
const INDIVIDUAL = "5e55a0e1-0000-4000-8000-000000000001";

let api: TestApi;
let staff: { id: string; accessToken: string };
let customer: { id: string; accessToken: string };
let practitionerId: string;
let days = 0;

beforeAll(async () => {
  api = await startTestApi({ seedFile: PROJECT_SEED });
  [staff, customer] = await Promise.all([api.signUp({ role: "staff" }), api.signUp()]);
  practitionerId = await newPractitioner(api.supabase.db, { userId: staff.id });
  await api.supabase.db.query(
    `insert into public.working_hours (practitioner_id, weekday, start_time, end_time)
     select $1, d, time '00:00', time '24:00' from generate_series(1, 7) as d`,
    [practitionerId],
  );
});
afterAll(async () => {
  await api?.close();
});

/** 10:00 UTC on a day of its own, a week or more ahead. */
function nextDay(): Date {
  days += 1;
  const day = new Date(Date.now() + (7 + days) * DAY).toISOString().slice(0, 10);
  return new Date(`${day}T10:00:00.000Z`);
}

const seal = (value: string, column: keyof typeof BOOKING_SEALED_COLUMNS) =>
  sealPersonalData(value, BOOKING_SEALED_COLUMNS[column]);

/** The customer's individual video session (₹2,500.00) with this file's practitioner. */
async function booking(status: "held" | "confirmed"): Promise<string> {
  const start = nextDay();
  const { rows } = await api.supabase.db.query<{ id: string }>(
    `insert into public.bookings (user_id, practitioner_id, session_type_id, format, during,
       blocked, status, expires_at, amount_minor, currency, customer_name_sealed,
       customer_email_sealed, customer_email_hash)
     values ($1, $2, $3, 'video', tstzrange($4::timestamptz, $4::timestamptz + interval '50 minutes'),
       tstzrange($4::timestamptz, $4::timestamptz + interval '60 minutes'), $5,
       case when $5 = 'held' then now() + interval '10 minutes' end, 250000, 'INR', $6, $7, $8)
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
    ],
  );
  return rows[0]?.id as string;
}

/** A confirmed booking paid with a captured sandbox payment; answers the payment's id. */
async function paidBooking(): Promise<string> {
  const bookingId = await booking("confirmed");
  const { rows } = await api.supabase.db.query<{ id: string }>(
    `insert into public.payments (user_id, booking_id, provider, provider_order_id,
       provider_payment_id, session_type_id, format, amount_minor, currency, status, captured_at)
     values ($1, $2, 'sandbox', $3, $4, $5, 'video', 250000, 'INR', 'captured', now())
     returning id`,
    [customer.id, bookingId, `order_${bookingId}`, `pay_${bookingId}`, INDIVIDUAL],
  );
  const paymentId = rows[0]?.id as string;
  await api.supabase.db.query("update public.bookings set paid_by_payment_id = $2 where id = $1", [
    bookingId,
    paymentId,
  ]);
  return paymentId;
}

/** A staff member's (or anyone's) call with an Idempotency-Key of its own unless given one. */
const act = (
  method: string,
  path: string,
  token: string,
  body?: unknown,
  key: string = crypto.randomUUID(),
) => send(api, method, path, { token, body, key });

type Body = Record<string, unknown>;

interface StaffAction {
  actor: string | null;
  action: string;
  detail: Record<string, unknown>;
}

async function actionsOn(table: string, id: string): Promise<StaffAction[]> {
  const { rows } = await api.supabase.db.query<StaffAction>(
    `select actor::text, action, detail from public.staff_actions
     where subject_table = $1 and subject_id = $2 order by id`,
    [table, id],
  );
  return rows;
}

async function refundsOf(paymentId: string) {
  const { rows } = await api.supabase.db.query<{ requested_by: string; amount_minor: string }>(
    "select requested_by::text, amount_minor from public.refunds where payment_id = $1",
    [paymentId],
  );
  return rows.map((row) => ({ ...row, amount_minor: Number(row.amount_minor) }));
}

describe("refunds", () => {
  it("are logged with the staff member who asked and the amount, once per Idempotency-Key", async () => {
    const paymentId = await paidBooking();
    const key = crypto.randomUUID();
    const body = { paymentId, amount: 1000, reason: "Goodwill" };
    const refund = await expectJson<Body>(
      await act("POST", "/api/payments/refund", staff.accessToken, body, key),
      201,
    );
    await expectJson<Body>(
      await act("POST", "/api/payments/refund", staff.accessToken, body, key),
      201,
    );
    expect(await refundsOf(paymentId)).toEqual([{ requested_by: staff.id, amount_minor: 1000 }]);
    expect(await actionsOn("payments", paymentId)).toEqual([
      {
        actor: staff.id,
        action: "payment.refund",
        detail: { refund_id: refund.refundId, amount_minor: 1000, currency: "INR" },
      },
    ]);
  });

  it("by staff of another practitioner are 404 like an unknown payment, and refund nothing", async () => {
    const paymentId = await paidBooking();
    const stranger = await api.signUp({ role: "staff" });
    await newPractitioner(api.supabase.db, { userId: stranger.id });
    const unlinked = await api.signUp({ role: "staff" });
    const body = { paymentId, amount: 1000, reason: "Goodwill" };
    const unknown = await expectProblem(
      await act("POST", "/api/payments/refund", staff.accessToken, {
        ...body,
        paymentId: crypto.randomUUID(),
      }),
      404,
      "not_found",
    );
    for (const outsider of [stranger, unlinked]) {
      const refused = await expectProblem(
        await act("POST", "/api/payments/refund", outsider.accessToken, body),
        404,
        "not_found",
      );
      expect({ ...refused, requestId: null }).toEqual({ ...unknown, requestId: null });
      await expectProblem(
        await act("GET", `/api/payments/${paymentId}`, outsider.accessToken),
        404,
        "not_found",
      );
    }
    expect(await refundsOf(paymentId)).toEqual([]);
    expect(await actionsOn("payments", paymentId)).toEqual([]);
    // Their own practitioner's staff and admins still see it.
    const admin = await api.signUp({ role: "admin" });
    for (const reader of [staff, admin]) {
      await expectJson<Body>(
        await act("GET", `/api/payments/${paymentId}`, reader.accessToken),
        200,
      );
    }
  });
});

describe("bookings", () => {
  it("confirmed, moved, changed and cancelled by staff are each logged, without personal data", async () => {
    const id = await booking("held");
    const path = `/api/bookings/${id}`;
    await expectJson<Body>(await act("POST", `${path}/confirm`, staff.accessToken), 200);
    const to = nextDay();
    const moved = { date: to.toISOString().slice(0, 10), time: "10:00 AM" };
    const movedTo = await expectJson<Body>(await act("PUT", path, staff.accessToken, moved), 200);
    await expectJson<Body>(
      await act("PUT", path, staff.accessToken, { notes: "Asha's notes" }),
      200,
    );
    const reason = { reason: "The practitioner is ill" };
    await expectJson<Body>(await act("POST", `${path}/cancel`, staff.accessToken, reason), 200);

    const actions = await actionsOn("bookings", id);
    expect(actions.map(({ actor, action }) => [actor, action])).toEqual([
      [staff.id, "booking.confirm"],
      [staff.id, "booking.reschedule"],
      [staff.id, "booking.change"],
      [staff.id, "booking.cancel"],
    ]);
    expect(actions[0]?.detail).toEqual({ from_status: "held", to_status: "confirmed" });
    expect(new Date(String(actions[1]?.detail.to)).toISOString()).toBe(movedTo.start);
    expect(actions[2]?.detail).toEqual({ notes_changed: true, sms_opt_in: false });
    expect(actions[3]?.detail).toEqual({
      from_status: "confirmed",
      to_status: "cancelled",
      refund_due_minor: 250000,
    });
    const logged = JSON.stringify(actions);
    expect(logged).not.toContain("Asha");
    expect(logged).not.toContain("ill");
  });

  it("confirmed by an admin, who is linked to no practitioner, are logged too", async () => {
    const admin = await api.signUp({ role: "admin" });
    const id = await booking("held");
    await expectJson<Body>(
      await act("POST", `/api/bookings/${id}/confirm`, admin.accessToken),
      200,
    );
    expect(await actionsOn("bookings", id)).toEqual([
      {
        actor: admin.id,
        action: "booking.confirm",
        detail: { from_status: "held", to_status: "confirmed" },
      },
    ]);
  });

  it("changed by their own customer are not staff actions", async () => {
    const id = await booking("held");
    await expectJson<Body>(await act("DELETE", `/api/bookings/${id}`, customer.accessToken), 200);
    expect(await actionsOn("bookings", id)).toEqual([]);
  });
});

describe("notifications", () => {
  it("asked for by staff are logged once per message, however often the request is retried", async () => {
    const bookingId = await booking("confirmed");
    const key = crypto.randomUUID();
    const body = { template: "booking_confirmation", bookingId };
    const first = await expectJson<Body>(
      await act("POST", "/api/notifications/email", staff.accessToken, body, key),
      202,
    );
    await expectJson<Body>(
      await act("POST", "/api/notifications/email", staff.accessToken, body, key),
      202,
    );
    const [notificationId] = first.notificationIds as string[];
    expect(await actionsOn("notifications", notificationId as string)).toEqual([
      {
        actor: staff.id,
        action: "notification.request",
        detail: { channel: "email", template: "booking_confirmation", booking_id: bookingId },
      },
    ]);
  });
});

describe("the log itself", () => {
  it("refuses every change and deletion, even by the table owner", async () => {
    const paymentId = await paidBooking();
    await expectJson<Body>(
      await act("POST", "/api/payments/refund", staff.accessToken, {
        paymentId,
        amount: 500,
        reason: "Goodwill",
      }),
      201,
    );
    for (const statement of [
      "update public.staff_actions set action = 'payment.nothing' where subject_id = $1",
      "update public.staff_actions set actor = null where subject_id = $1",
      "delete from public.staff_actions where subject_id = $1",
    ]) {
      await expect(api.supabase.db.query(statement, [paymentId])).rejects.toThrow(/append-only/);
    }
    await expect(api.supabase.db.query("truncate public.staff_actions")).rejects.toThrow(
      /append-only/,
    );
    expect(await actionsOn("payments", paymentId)).toHaveLength(1);
  });

  it("is neither read nor written through the Data API, except by the server's own function", async () => {
    const actor = await api.signUp({ role: "admin" });
    const row = {
      actor: actor.id,
      action: "payment.refund",
      subject_table: "payments",
      subject_id: crypto.randomUUID(),
    };
    for (const client of [api.supabase.client(), api.supabase.client(actor.accessToken)]) {
      expect((await client.from("staff_actions").select("id").limit(1)).error?.code).toBe("42501");
      expect((await client.from("staff_actions").insert(row)).error?.code).toBe("42501");
      const forged = await client.rpc("record_staff_action", {
        p_actor: actor.id,
        p_action: "payment.refund",
        p_subject_table: "payments",
        p_subject_id: row.subject_id,
      });
      expect(forged.error?.code).toBe("42501");
    }
    const service = api.supabase.client(api.supabase.serviceRoleKey);
    expect((await service.from("staff_actions").insert(row)).error?.code).toBe("42501");
    expect(await actionsOn("payments", row.subject_id)).toEqual([]);
    const recorded = await service.rpc("record_staff_action", {
      p_actor: actor.id,
      p_action: "payment.refund",
      p_subject_table: "payments",
      p_subject_id: row.subject_id,
      p_detail: { amount_minor: 1 },
    });
    expect(recorded.error).toBeNull();
    expect(await actionsOn("payments", row.subject_id)).toEqual([
      { actor: actor.id, action: "payment.refund", detail: { amount_minor: 1 } },
    ]);
    const read = await service.from("staff_actions").select("action").eq("actor", actor.id);
    expect(read.data).toEqual([{ action: "payment.refund" }]);
  });

  it("outlives the staff member's account, anonymised", async () => {
    const leaver = await api.signUp({ role: "admin" });
    const paymentId = await paidBooking();
    await expectJson<Body>(
      await act("POST", "/api/payments/refund", leaver.accessToken, {
        paymentId,
        amount: 700,
        reason: "Goodwill",
      }),
      201,
    );
    const deleted = await api.supabase
      .client(api.supabase.serviceRoleKey)
      .auth.admin.deleteUser(leaver.id);
    expect(deleted.error).toBeNull();
    expect(await actionsOn("payments", paymentId)).toEqual([
      expect.objectContaining({ actor: null, action: "payment.refund" }),
    ]);
  });
});
