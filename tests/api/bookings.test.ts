// The booking endpoints through the dev server against the local stack with supabase/seed.sql:
// the seeded practitioner (Asia/Kolkata, Monday to Friday 10:00–13:00 and 14:00–18:00), the
// seeded session types and consent version. Signed-in customers and guests book, read, move and
// cancel; staff confirm and cancel; nobody reaches another's booking; the database holds only
// ciphertext; 50 concurrent requests for one slot make exactly one booking.
//
// Every test books with a practitioner of its own (tests/helpers/practitioner.ts: the seeded
// practitioner's zone and week), so no test competes with another for a slot; the ones about a
// request that names no practitioner use the seeded one.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApi, TEST_CRON_SECRET, type TestApi } from "../helpers/api.js";
import { consentFor, futureWeekday } from "../helpers/booking-hold.js";
import {
  deactivatePractitioner,
  newPractitioner,
  SEEDED_PRACTITIONER,
} from "../helpers/practitioner.js";
import { expectJson, expectProblem, send } from "../helpers/requests.js";
import { PROJECT_SEED } from "../helpers/supabase.js";

let api: TestApi;
beforeAll(async () => {
  api = await startTestApi({ seedFile: PROJECT_SEED });
});
afterAll(async () => {
  await api?.close();
});

const IST_OFFSET_MS = 330 * 60_000;
const run = crypto.randomUUID().slice(0, 8);
let emails = 0;
const newEmail = () => `client${++emails}-${run}@example.test`;

/** A local time in Asia/Kolkata on the date, as the UTC instant the API answers with. */
function ist(date: string, hhmm: string): string {
  return new Date(Date.parse(`${date}T${hhmm}:00Z`) - IST_OFFSET_MS).toISOString();
}

interface Booking {
  id: string;
  status: string;
  sessionType: string;
  date: string;
  time: string;
  start: string;
  end: string;
  expiresAt: string | null;
  price: { amountMinor: number; currency: string };
  customer: { name: string; email: string; phone: string | null } | null;
  notes: string | null;
  refundDueMinor: number | null;
}

interface Created {
  success: true;
  bookingId: string;
  status: string;
  confirmationUrl: string;
  expiresAt?: string;
  manageToken?: string;
  booking: Booking;
}

const consent = (email: string, sessionType?: string) => consentFor(api, email, { sessionType });

/** A working day of a practitioner of the test's own. */
interface Day {
  practitionerId: string;
  date: string;
}

async function ownDay(): Promise<Day> {
  return { practitionerId: await newPractitioner(api.supabase), date: futureWeekday() };
}

/** The seeds' body, as the therapy SPA sends it, naming the day's practitioner. */
function seedsBody(day: Day, time: string, email: string, overrides: object = {}) {
  return {
    sessionType: "individual",
    format: "video",
    date: day.date,
    practitionerId: day.practitionerId,
    time,
    customer: { name: "Priya Sharma", email, phone: "+91 98765 43210" },
    consentAccepted: true,
    ...overrides,
  };
}

async function book(
  body: object,
  options: { token?: string; path?: string } = {},
): Promise<Created> {
  const response = await send(api, "POST", options.path ?? "/api/bookings", { ...options, body });
  return expectJson<Created>(response, 201);
}

async function bookingRow(id: string): Promise<Record<string, unknown> | undefined> {
  const { rows } = await api.supabase.db.query<Record<string, unknown>>(
    "select * from public.bookings where id = $1",
    [id],
  );
  return rows[0];
}

describe("booking a session", () => {
  it("accepts the seeds' body from a signed-in customer and holds the slot for 10 minutes", async () => {
    const user = await api.signUp();
    const email = newEmail();
    const consentId = await consent(email);
    const day = await ownDay();
    const { date } = day;
    const before = Date.now();
    const created = await book(seedsBody(day, "10:00 AM", email, { consentId }), {
      token: user.accessToken,
    });
    expect(created).toMatchObject({
      success: true,
      bookingId: created.booking.id,
      status: "held",
      booking: {
        sessionType: "individual",
        date,
        time: "10:00 AM",
        start: ist(date, "10:00"),
        end: ist(date, "10:50"),
        price: { amountMinor: 250000, currency: "INR" },
        customer: { name: "Priya Sharma", email, phone: "+91 98765 43210" },
      },
    });
    expect(created.manageToken).toBeUndefined();
    expect(new URL(created.confirmationUrl).pathname).toBe(`/bookings/${created.bookingId}`);
    const expiresIn = Date.parse(created.expiresAt ?? "") - before;
    expect(expiresIn).toBeGreaterThan(9 * 60_000);
    expect(expiresIn).toBeLessThanOrEqual(10 * 60_000 + 5_000);
    expect(await bookingRow(created.bookingId)).toMatchObject({
      user_id: user.id,
      consent_id: consentId,
      practitioner_id: day.practitionerId,
    });
  });

  it("books with the default practitioner, the seeded one, when the body names none", async () => {
    const user = await api.signUp();
    const email = newEmail();
    await consent(email);
    const date = futureWeekday();
    // Any free slot of the default practitioner's day: the slots are not this test's own.
    const response = await send(
      api,
      "GET",
      `/api/availability?date=${date}&sessionType=individual`,
    );
    const { slots } = (await response.json()) as { slots: { time: string; available: boolean }[] };
    const time = slots.find((slot) => slot.available)?.time ?? "no free slot";
    const body = {
      ...seedsBody({ practitionerId: SEEDED_PRACTITIONER, date }, time, email),
      practitionerId: undefined,
    };
    const created = await book(body, { token: user.accessToken });
    expect(created.booking).toMatchObject({ date, time, status: "held" });
    expect(await bookingRow(created.bookingId)).toMatchObject({
      practitioner_id: SEEDED_PRACTITIONER,
    });
    // Give the slot back: a database shared with other files and later runs keeps it free.
    await send(api, "DELETE", `/api/bookings/${created.bookingId}`, { token: user.accessToken });
  });

  it("answers 404 for a practitioner who is unknown or not taking bookings, and books nothing", async () => {
    const user = await api.signUp();
    const email = newEmail();
    await consent(email);
    const day = await ownDay();
    await deactivatePractitioner(api.supabase, day.practitionerId);
    for (const practitionerId of [day.practitionerId, crypto.randomUUID()]) {
      await expectProblem(
        await send(api, "POST", "/api/bookings", {
          token: user.accessToken,
          body: seedsBody({ ...day, practitionerId }, "10:00 AM", email),
        }),
        404,
        "not_found",
      );
    }
    const invalid = await send(api, "POST", "/api/bookings", {
      token: user.accessToken,
      body: seedsBody({ ...day, practitionerId: "dr-asha" }, "10:00 AM", email),
    });
    expect(invalid.status).toBe(400);
    expect(await invalid.json()).toMatchObject({ errors: { practitionerId: expect.any(Array) } });
    const { rows } = await api.supabase.db.query(
      "select count(*)::int as n from public.bookings where practitioner_id = $1",
      [day.practitionerId],
    );
    expect(rows).toEqual([{ n: 0 }]);
  });

  it("is also served at /api/bookings/create, and finds the latest consent by email", async () => {
    const user = await api.signUp();
    const email = newEmail();
    await consent(email);
    const created = await book(seedsBody(await ownDay(), "2:00 PM", email), {
      token: user.accessToken,
      path: "/api/bookings/create",
    });
    expect(created.booking).toMatchObject({ time: "2:00 PM", status: "held" });
  });

  it("confirms a free session at once, and takes 24-hour times", async () => {
    const user = await api.signUp();
    const created = await book(
      { ...seedsBody(await ownDay(), "14:30", newEmail()), sessionType: "free" },
      { token: user.accessToken },
    );
    expect(created).toMatchObject({ status: "confirmed", booking: { time: "2:30 PM" } });
    expect(created.expiresAt).toBeUndefined();
    expect(created.booking.price.amountMinor).toBe(0);
  });

  it("prices in the currency asked for, and ignores nothing it cannot price", async () => {
    const user = await api.signUp();
    const email = newEmail();
    await consent(email, "couples");
    const body = seedsBody(await ownDay(), "10:00 AM", email, {
      sessionType: "couples",
      format: "in_person",
      currency: "USD",
    });
    const created = await book(body, { token: user.accessToken });
    expect(created.booking.price).toEqual({ amountMinor: 11000, currency: "USD" });
    const priced = await send(api, "POST", "/api/bookings", {
      token: user.accessToken,
      body: { ...body, time: "2:00 PM", currency: "EUR" },
    });
    await expectProblem(priced, 404, "not_found");
  });

  it("refuses a session type that needs consent without a consent record, and writes nothing", async () => {
    const user = await api.signUp();
    const email = newEmail();
    const day = await ownDay();
    const countBefore = await api.supabase.db.query(
      "select count(*)::int as n from public.bookings",
    );
    await expectProblem(
      await send(api, "POST", "/api/bookings", {
        token: user.accessToken,
        body: seedsBody(day, "10:00 AM", email),
      }),
      422,
      "consent_required",
    );
    await consent(email);
    await expectProblem(
      await send(api, "POST", "/api/bookings", {
        token: user.accessToken,
        body: seedsBody(day, "10:00 AM", email, { consentAccepted: false }),
      }),
      422,
      "consent_required",
    );
    const otherEmailsConsent = await consent(newEmail());
    await expectProblem(
      await send(api, "POST", "/api/bookings", {
        token: user.accessToken,
        body: seedsBody(day, "10:00 AM", email, { consentId: otherEmailsConsent }),
      }),
      422,
      "consent_required",
    );
    const countAfter = await api.supabase.db.query(
      "select count(*)::int as n from public.bookings",
    );
    expect(countAfter.rows).toEqual(countBefore.rows);
  });

  it("answers a time that is not a slot, and a payment that is not usable, without booking", async () => {
    const user = await api.signUp();
    const email = newEmail();
    await consent(email);
    const day = await ownDay();
    await expectProblem(
      await send(api, "POST", "/api/bookings", {
        token: user.accessToken,
        body: seedsBody(day, "9:00 AM", email),
      }),
      409,
      "slot_unavailable",
    );
    await expectProblem(
      await send(api, "POST", "/api/bookings", {
        token: user.accessToken,
        body: seedsBody(day, "10:00 AM", email, { paymentId: "pay_unknown" }),
      }),
      422,
      "payment_not_usable",
    );
    for (const [body, field] of [
      [seedsBody(day, "25:00", email), "time"],
      [seedsBody(day, "10:00 AM", email, { price: 1 }), "body"],
    ] as const) {
      const invalid = await send(api, "POST", "/api/bookings", { token: user.accessToken, body });
      expect(invalid.status).toBe(400);
      expect((await invalid.json()) as object).toMatchObject({
        errors: { [field]: expect.any(Array) },
      });
    }
  });
});

describe("no double booking", () => {
  // Fifty accounts (one booking each, so no per-user limit is in play), made before the test:
  // signing up hashes passwords, which is slow and not what is being tested.
  let crowd: { accessToken: string }[] = [];
  beforeAll(async () => {
    crowd = await Promise.all(Array.from({ length: 50 }, () => api.signUp()));
  });

  it("lets exactly one of 50 concurrent requests for one slot win; the rest get 409", async () => {
    const email = newEmail();
    await consent(email);
    const users = crowd;
    const body = seedsBody(await ownDay(), "11:00 AM", email);
    const responses = await Promise.all(
      users.map((user) => send(api, "POST", "/api/bookings", { token: user.accessToken, body })),
    );
    const statuses = responses.map((response) => response.status);
    expect(statuses.filter((status) => status === 201)).toHaveLength(1);
    expect(statuses.filter((status) => status === 409)).toHaveLength(49);
    for (const response of responses.filter((r) => r.status === 409)) {
      expect(await response.json()).toMatchObject({ code: "slot_unavailable" });
    }
  });

  it("books adjacent slots, and frees a slot when its hold is withdrawn or lapses", async () => {
    const [first, second] = [await api.signUp(), await api.signUp()];
    const email = newEmail();
    await consent(email);
    const day = await ownDay();
    // 10:00–10:50 plus a 10-minute buffer ends where 11:00 starts.
    const ten = await book(seedsBody(day, "10:00 AM", email), { token: first.accessToken });
    await book(seedsBody(day, "11:00 AM", email), { token: second.accessToken });
    await expectProblem(
      await send(api, "POST", "/api/bookings", {
        token: second.accessToken,
        body: seedsBody(day, "10:30 AM", email),
      }),
      409,
      "slot_unavailable",
    );

    const withdrawn = await send(api, "DELETE", `/api/bookings/${ten.bookingId}`, {
      token: first.accessToken,
    });
    expect(withdrawn.status).toBe(200);
    expect(await withdrawn.json()).toMatchObject({ status: "cancelled" });
    const retaken = await book(seedsBody(day, "10:00 AM", email), { token: second.accessToken });

    await api.supabase.db.query(
      "update public.bookings set expires_at = now() - interval '1 second' where id = $1",
      [retaken.bookingId],
    );
    const afterLapse = await book(seedsBody(day, "10:00 AM", email), { token: first.accessToken });
    expect(afterLapse.status).toBe("held");
    expect(await bookingRow(retaken.bookingId)).toMatchObject({ status: "expired" });
  });

  it("shows a booked slot as taken at once, though availability is cached", async () => {
    const user = await api.signUp();
    const email = newEmail();
    await consent(email);
    const day = await ownDay();
    const slotAt = async (time: string) => {
      const query = new URLSearchParams({ ...day, sessionType: "individual" });
      const response = await send(api, "GET", `/api/availability?${query}`);
      const { slots } = (await response.json()) as {
        slots: { time: string; available: boolean }[];
      };
      return slots.find((slot) => slot.time === time)?.available;
    };
    expect(await slotAt("3:00 PM")).toBe(true);
    const created = await book(seedsBody(day, "3:00 PM", email), { token: user.accessToken });
    expect(await slotAt("3:00 PM")).toBe(false);
    await send(api, "DELETE", `/api/bookings/${created.bookingId}`, { token: user.accessToken });
    expect(await slotAt("3:00 PM")).toBe(true);
  });
});

describe("guests", () => {
  it("get a manage token once, and manage the booking with it alone", async () => {
    const email = newEmail();
    await consent(email);
    const day = await ownDay();
    const { date } = day;
    const created = await book(seedsBody(day, "10:00 AM", email));
    const token = created.manageToken ?? "";
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(new URL(created.confirmationUrl).hash).toBe(`#token=${token}`);
    const row = await bookingRow(created.bookingId);
    expect(row?.user_id).toBeNull();
    expect(JSON.stringify(row)).not.toContain(token);

    const read = await send(api, "GET", `/api/bookings/${created.bookingId}`, {
      headers: { "x-booking-token": token },
    });
    expect(read.status).toBe(200);
    expect(await read.json()).toMatchObject({ customer: { email } });

    const moved = await send(api, "PUT", `/api/bookings/${created.bookingId}`, {
      headers: { "x-booking-token": token },
      body: { date, time: "10:30 AM", notes: "Prefer the video link by email" },
    });
    expect(moved.status).toBe(200);
    expect(await moved.json()).toMatchObject({
      time: "10:30 AM",
      start: ist(date, "10:30"),
      notes: "Prefer the video link by email",
    });

    const cancelled = await send(api, "POST", `/api/bookings/${created.bookingId}/cancel`, {
      headers: { "x-booking-token": token },
      body: { reason: "Something came up" },
    });
    expect(cancelled.status).toBe(200);
    expect(await cancelled.json()).toMatchObject({ status: "cancelled", refundDueMinor: null });
  });

  it("get 404 with a wrong token and 401 with none", async () => {
    const email = newEmail();
    await consent(email);
    const created = await book(seedsBody(await ownDay(), "10:00 AM", email));
    const wrong = "A".repeat(43);
    await expectProblem(
      await send(api, "GET", `/api/bookings/${created.bookingId}`, {
        headers: { "x-booking-token": wrong },
      }),
      404,
      "not_found",
    );
    await expectProblem(
      await send(api, "GET", `/api/bookings/${created.bookingId}`),
      401,
      "unauthorized",
    );
    await expectProblem(
      await send(api, "POST", `/api/bookings/${created.bookingId}/cancel`, {
        headers: { "x-booking-token": wrong },
      }),
      404,
      "not_found",
    );
  });
});

describe("another customer's booking (BOLA)", () => {
  it("is 404 to user B through the API, for reading, changing and cancelling", async () => {
    const [alice, bob] = [await api.signUp(), await api.signUp()];
    const email = newEmail();
    await consent(email);
    const created = await book(seedsBody(await ownDay(), "10:00 AM", email), {
      token: alice.accessToken,
    });
    const path = `/api/bookings/${created.bookingId}`;
    await expectProblem(await send(api, "GET", path, { token: bob.accessToken }), 404, "not_found");
    await expectProblem(
      await send(api, "PUT", path, { token: bob.accessToken, body: { notes: "mine now" } }),
      404,
      "not_found",
    );
    await expectProblem(
      await send(api, "DELETE", path, { token: bob.accessToken }),
      404,
      "not_found",
    );
    await expectProblem(
      await send(api, "POST", `${path}/cancel`, { token: bob.accessToken }),
      404,
      "not_found",
    );
    const list = await send(api, "GET", "/api/bookings", { token: bob.accessToken });
    expect(((await list.json()) as { bookings: Booking[] }).bookings).toEqual([]);
    expect(await bookingRow(created.bookingId)).toMatchObject({
      status: "held",
      notes_sealed: null,
    });
  });

  it("is out of user B's reach through supabase-js with B's token too", async () => {
    const [alice, bob] = [await api.signUp(), await api.signUp()];
    const email = newEmail();
    await consent(email);
    const created = await book(seedsBody(await ownDay(), "10:00 AM", email), {
      token: alice.accessToken,
    });
    const asBob = api.supabase.client(bob.accessToken);
    expect((await asBob.from("bookings").select("*").eq("id", created.bookingId)).data).toEqual([]);
    const read = await asBob.rpc("read_booking", { p_id: created.bookingId });
    expect(read.error?.code).toBe("PT404");
    const cancel = await asBob.rpc("cancel_booking", {
      p_id: created.bookingId,
      p_manage_token_hash: null,
      p_reason: null,
      p_holds_only: false,
    });
    expect(cancel.error?.code).toBe("PT404");
    // Changing a booking is the server's call, naming the user: B cannot make it, not even
    // naming A.
    const change = await asBob.rpc("change_booking", {
      p_id: created.bookingId,
      p_user_id: alice.id,
      p_manage_token_hash: null,
      p_start: null,
      p_change_notes: true,
      p_notes_sealed: null,
    });
    expect(change.error?.code).toBe("42501");
    const update = await asBob
      .from("bookings")
      .update({ status: "cancelled" })
      .eq("id", created.bookingId);
    expect(update.error).not.toBeNull();
    const mine = await asBob.rpc("my_bookings", { p_limit: 10 });
    expect(mine.data).toEqual([]);
    expect(await bookingRow(created.bookingId)).toMatchObject({ status: "held" });
  });
});

describe("a guest's manage token in another's hands", () => {
  it("is 404 to a signed-in user B, who acts as themselves, and to a wrong guest token", async () => {
    const bob = await api.signUp();
    const email = newEmail();
    await consent(email);
    const created = await book(seedsBody(await ownDay(), "2:00 PM", email));
    const token = created.manageToken ?? "";
    const path = `/api/bookings/${created.bookingId}`;
    await expectProblem(
      await send(api, "GET", path, {
        token: bob.accessToken,
        headers: { "x-booking-token": token },
      }),
      404,
      "not_found",
    );
    await expectProblem(
      await send(api, "POST", `${path}/cancel`, {
        token: bob.accessToken,
        headers: { "x-booking-token": token },
      }),
      404,
      "not_found",
    );
    expect(await bookingRow(created.bookingId)).toMatchObject({ status: "held" });
    // The token alone still works for the guest it was given to.
    expect((await send(api, "GET", path, { headers: { "x-booking-token": token } })).status).toBe(
      200,
    );
  });
});

describe("my bookings", () => {
  it("lists the caller's own, newest first, a page at a time", async () => {
    const user = await api.signUp();
    const day = await ownDay();
    const ids: string[] = [];
    for (const time of ["10:00 AM", "11:00 AM", "12:00 PM"]) {
      const created = await book(
        { ...seedsBody(day, time, newEmail()), sessionType: "free" },
        { token: user.accessToken },
      );
      ids.push(created.bookingId);
    }
    const first = (await (
      await send(api, "GET", "/api/bookings?limit=2", { token: user.accessToken })
    ).json()) as {
      bookings: Booking[];
      nextCursor: string | null;
    };
    expect(first.bookings.map((b) => b.id)).toEqual([ids[2], ids[1]]);
    expect(first.nextCursor).toEqual(expect.any(String));
    const second = (await (
      await send(api, "GET", `/api/bookings?limit=2&cursor=${first.nextCursor}`, {
        token: user.accessToken,
      })
    ).json()) as { bookings: Booking[]; nextCursor: string | null };
    expect(second.bookings.map((b) => b.id)).toEqual([ids[0]]);
    expect(second.nextCursor).toBeNull();
    await expectProblem(
      await send(api, "GET", "/api/bookings?cursor=not-a-cursor", { token: user.accessToken }),
      400,
      "validation_failed",
    );
  });
});

describe("changing and cancelling within the policy", () => {
  it("refunds a confirmed paid booking in full when the customer cancels in time", async () => {
    const [customer, admin] = [await api.signUp(), await api.signUp({ role: "admin" })];
    const email = newEmail();
    await consent(email);
    const created = await book(seedsBody(await ownDay(), "10:00 AM", email), {
      token: customer.accessToken,
    });
    await expectProblem(
      await send(api, "POST", `/api/bookings/${created.bookingId}/confirm`, {
        token: customer.accessToken,
      }),
      403,
      "forbidden",
    );
    const confirmed = await send(api, "POST", `/api/bookings/${created.bookingId}/confirm`, {
      token: admin.accessToken,
    });
    expect(await confirmed.json()).toMatchObject({ status: "confirmed", expiresAt: null });
    await expectProblem(
      await send(api, "DELETE", `/api/bookings/${created.bookingId}`, {
        token: customer.accessToken,
      }),
      409,
      "conflict",
    );
    const cancelled = await send(api, "POST", `/api/bookings/${created.bookingId}/cancel`, {
      token: customer.accessToken,
      body: { reason: "Moving cities" },
    });
    expect(await cancelled.json()).toMatchObject({
      status: "cancelled",
      refundDueMinor: 250000,
    });
    const { rows } = await api.supabase.db.query(
      "select from_status, to_status from public.booking_events where booking_id = $1 order by id",
      [created.bookingId],
    );
    expect(rows).toEqual([
      { from_status: null, to_status: "held" },
      { from_status: "held", to_status: "confirmed" },
      { from_status: "confirmed", to_status: "cancelled" },
    ]);
  });

  it("leaves a booking less than 24 hours away to staff", async () => {
    const [customer, admin] = [await api.signUp(), await api.signUp({ role: "admin" })];
    const created = await book(
      { ...seedsBody(await ownDay(), "10:00 AM", newEmail()), sessionType: "free" },
      { token: customer.accessToken },
    );
    // As if the session were in three hours.
    await api.supabase.db.query(
      `update public.bookings
       set during = tstzrange(now() + interval '3 hours', now() + interval '195 minutes', '[)'),
           blocked = tstzrange(now() + interval '3 hours', now() + interval '200 minutes', '[)')
       where id = $1`,
      [created.bookingId],
    );
    const path = `/api/bookings/${created.bookingId}`;
    await expectProblem(
      await send(api, "POST", `${path}/cancel`, { token: customer.accessToken }),
      409,
      "cancellation_window_closed",
    );
    await expectProblem(
      await send(api, "PUT", path, { token: customer.accessToken, body: { notes: "late" } }),
      409,
      "cancellation_window_closed",
    );
    const byStaff = await send(api, "POST", `${path}/cancel`, { token: admin.accessToken });
    expect(await byStaff.json()).toMatchObject({ status: "cancelled", refundDueMinor: 0 });
  });

  it("moves a booking only to a free slot", async () => {
    const user = await api.signUp();
    const email = newEmail();
    await consent(email);
    const day = await ownDay();
    const { date } = day;
    const first = await book(seedsBody(day, "10:00 AM", email), { token: user.accessToken });
    await book(seedsBody(day, "2:00 PM", email), { token: user.accessToken });
    const path = `/api/bookings/${first.bookingId}`;
    await expectProblem(
      await send(api, "PUT", path, { token: user.accessToken, body: { date, time: "2:30 PM" } }),
      409,
      "slot_unavailable",
    );
    // Half an hour later overlaps only its own old time, which it gives up.
    const moved = await send(api, "PUT", path, {
      token: user.accessToken,
      body: { date, time: "10:30 AM" },
    });
    expect(await moved.json()).toMatchObject({ time: "10:30 AM", status: "held" });
    await expectProblem(
      await send(api, "PUT", path, { token: user.accessToken, body: { date } }),
      400,
      "validation_failed",
    );
  });

  it("moves a booking within its own practitioner's day, whoever else is busy then", async () => {
    const user = await api.signUp();
    const email = newEmail();
    await consent(email);
    const day = await ownDay();
    const mine = await book(seedsBody(day, "10:00 AM", email), { token: user.accessToken });
    // The default practitioner's last free slot that day, taken: not this booking's business.
    const response = await send(
      api,
      "GET",
      `/api/availability?date=${day.date}&sessionType=individual`,
    );
    const { slots } = (await response.json()) as { slots: { time: string; available: boolean }[] };
    const time = slots.filter((slot) => slot.available).at(-1)?.time ?? "no free slot";
    const theirs = await book(
      { ...seedsBody(day, time, email), practitionerId: undefined },
      { token: user.accessToken },
    );
    const moved = await send(api, "PUT", `/api/bookings/${mine.bookingId}`, {
      token: user.accessToken,
      body: { date: day.date, time },
    });
    expect(await moved.json()).toMatchObject({ time, status: "held" });
    expect(await bookingRow(mine.bookingId)).toMatchObject({
      practitioner_id: day.practitionerId,
    });
    await send(api, "DELETE", `/api/bookings/${theirs.bookingId}`, { token: user.accessToken });
  });

  it("moves and turns texts on in one transaction; a staff move reads no personal data", async () => {
    const [customer, admin] = [await api.signUp(), await api.signUp({ role: "admin" })];
    const email = newEmail();
    await consent(email);
    const day = await ownDay();
    const { date } = day;
    const created = await book(seedsBody(day, "11:00 AM", email), {
      token: customer.accessToken,
    });
    await book(seedsBody(day, "3:00 PM", email), { token: customer.accessToken });
    const path = `/api/bookings/${created.bookingId}`;
    const smsOptIn = async () =>
      (
        await api.supabase.db.query<{ sms_opt_in: boolean }>(
          "select sms_opt_in from public.bookings where id = $1",
          [created.bookingId],
        )
      ).rows[0]?.sms_opt_in;

    // The move is refused, so the opt-in sent with it is not kept either.
    await expectProblem(
      await send(api, "PUT", path, {
        token: customer.accessToken,
        body: { date, time: "3:00 PM", smsReminders: true },
      }),
      409,
      "slot_unavailable",
    );
    expect(await smsOptIn()).toBe(false);

    const byStaff = await send(api, "PUT", path, {
      token: admin.accessToken,
      body: { date, time: "11:30 AM" },
    });
    expect(await byStaff.json()).toMatchObject({ time: "11:30 AM" });
    const { rows: reads } = await api.supabase.db.query(
      "select actor from public.personal_data_reads where subject_table = 'bookings' and subject_id = $1",
      [created.bookingId],
    );
    expect(reads).toEqual([]);

    const both = await send(api, "PUT", path, {
      token: customer.accessToken,
      body: { date, time: "12:00 PM", smsReminders: true },
    });
    expect(await both.json()).toMatchObject({ time: "12:00 PM" });
    expect(await smsOptIn()).toBe(true);
  });
});

describe("personal data", () => {
  it("is ciphertext in the database, opened only for the owner and audited for staff", async () => {
    const [customer, admin] = [await api.signUp(), await api.signUp({ role: "admin" })];
    const email = newEmail();
    await consent(email);
    const created = await book(
      seedsBody(await ownDay(), "10:00 AM", email, { notes: "Anxiety since the move" }),
      { token: customer.accessToken },
    );
    const dump = JSON.stringify(await bookingRow(created.bookingId));
    for (const secret of ["Priya", "Sharma", email, "98765", "Anxiety"]) {
      expect(dump).not.toContain(secret);
    }
    const row = await bookingRow(created.bookingId);
    for (const column of [
      "customer_name_sealed",
      "customer_email_sealed",
      "customer_phone_sealed",
      "notes_sealed",
    ]) {
      expect(row?.[column]).toMatch(/^v1\./);
    }

    const asAdmin = await send(api, "GET", `/api/bookings/${created.bookingId}`, {
      token: admin.accessToken,
    });
    expect(await asAdmin.json()).toMatchObject({ customer: { name: "Priya Sharma", email } });
    await send(api, "GET", `/api/bookings/${created.bookingId}`, { token: customer.accessToken });
    const { rows } = await api.supabase.db.query(
      "select actor, fields from public.personal_data_reads where subject_table = 'bookings' and subject_id = $1",
      [created.bookingId],
    );
    expect(rows).toEqual([
      { actor: admin.id, fields: ["customer_name", "customer_email", "customer_phone", "notes"] },
    ]);
  });

  it("fails closed when a sealed value was tampered with", async () => {
    const user = await api.signUp();
    const email = newEmail();
    await consent(email);
    const created = await book(seedsBody(await ownDay(), "10:00 AM", email), {
      token: user.accessToken,
    });
    await api.supabase.db.query(
      `update public.bookings
       set customer_name_sealed = overlay(customer_name_sealed placing
         -- A different character from the one there, so the value always changes.
         case when substr(customer_name_sealed, length(customer_name_sealed) - 3, 1) = 'A'
           then 'B' else 'A' end
         from length(customer_name_sealed) - 3 for 1)
       where id = $1`,
      [created.bookingId],
    );
    const response = await send(api, "GET", `/api/bookings/${created.bookingId}`, {
      token: user.accessToken,
    });
    expect(response.status).toBe(500);
    expect(await response.text()).not.toContain("Priya");
  });
});

describe("the hold-expiry cron", () => {
  it("needs the cron secret, and marks lapsed holds expired once", async () => {
    const user = await api.signUp();
    const email = newEmail();
    await consent(email);
    const created = await book(seedsBody(await ownDay(), "10:00 AM", email), {
      token: user.accessToken,
    });
    await api.supabase.db.query(
      "update public.bookings set expires_at = now() - interval '1 minute' where id = $1",
      [created.bookingId],
    );
    const cron = (secret?: string) =>
      fetch(`${api.url}/api/cron/expire-holds`, {
        headers: secret === undefined ? {} : { authorization: `Bearer ${secret}` },
      });
    await expectProblem(await cron(), 401, "unauthorized");
    await expectProblem(await cron("wrong-secret-wrong-secret"), 401, "unauthorized");
    expect(await bookingRow(created.bookingId)).toMatchObject({ status: "held" });

    const swept = await cron(TEST_CRON_SECRET);
    expect(swept.status).toBe(200);
    expect(((await swept.json()) as { expired: number }).expired).toBeGreaterThanOrEqual(1);
    expect(await bookingRow(created.bookingId)).toMatchObject({ status: "expired" });
    const again = await cron(TEST_CRON_SECRET);
    expect(await again.json()).toMatchObject({ expired: 0 });
  });
});
