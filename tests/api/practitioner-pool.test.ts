// Issue 17, item 5: more than one practitioner. A request may name its practitioner; when it
// names none and the practice assigns the first free one (booking_rules.practitioner_assignment
// = 'first_free'), availability is the union over the practice's pool and POST /api/bookings
// books the first member free at that time, in one database call
// (supabase/migrations/20261121001400_calcom.sql). The default, 'first_active', is checked too.
//
// Its own database even where DATABASE_URL names CI's shared one: the pool is every active
// practitioner, and this file switches the practice's assignment, which no other file's
// practitioners or defaults may see. The seeded practitioner is made inactive here, so the pool
// is exactly this file's two practitioners.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApi, type TestApi } from "../helpers/api.js";
import { consentFor, futureWeekday } from "../helpers/booking-hold.js";
import {
  deactivatePractitioner,
  newPractitioner,
  SEEDED_PRACTITIONER,
} from "../helpers/practitioner.js";
import { expectJson, expectProblem, post, send } from "../helpers/requests.js";
import { PROJECT_SEED } from "../helpers/supabase.js";

let api: TestApi;
let first: string;
let second: string;
let admin: { accessToken: string };

interface Slot {
  time: string;
  start: string;
  available: boolean;
}

beforeAll(async () => {
  delete process.env.DATABASE_URL;
  api = await startTestApi({ seedFile: PROJECT_SEED, databaseWebhooks: false });
  admin = await api.signUp({ role: "admin" });
  await deactivatePractitioner(api.supabase, SEEDED_PRACTITIONER);
  // Booking order is by display name: "Test a-…" before "Test b-…". The first works only
  // 10:00–11:00, the second 10:00–13:00, on weekdays.
  first = await newPractitioner(api.supabase, {
    label: "a-first",
    workingHours: [1, 2, 3, 4, 5].map((weekday) => ({ weekday, start: "10:00", end: "11:00" })),
  });
  second = await newPractitioner(api.supabase, {
    label: "b-second",
    workingHours: [1, 2, 3, 4, 5].map((weekday) => ({ weekday, start: "10:00", end: "13:00" })),
  });
});
afterAll(async () => {
  await api?.close();
});

// The practice switches it through the admin API (PUT /api/admin/settings), as an admin would.
const assignment = async (value: "first_free" | "first_active") => {
  const changed = await expectJson(
    await send(api, "PUT", "/api/admin/settings", {
      token: admin.accessToken,
      body: { practitionerAssignment: value },
    }),
    200,
  );
  expect(changed).toMatchObject({ practitionerAssignment: value });
};

async function day(date: string, practitionerId?: string) {
  const query = new URLSearchParams({ date, sessionType: "individual" });
  if (practitionerId) query.set("practitionerId", practitionerId);
  return expectJson<{ slots: Slot[]; timezone: string }>(
    await send(api, "GET", `/api/availability?${query}`),
    200,
  );
}

async function book(date: string, time: string) {
  const email = `pool-${crypto.randomUUID().slice(0, 12)}@example.test`;
  await consentFor(api, email);
  return post(api, "/api/bookings", {
    sessionType: "individual",
    format: "video",
    date,
    time,
    customer: { name: "Asha Rao", email },
    consentAccepted: true,
  });
}

async function practitionerOf(bookingId: string): Promise<string> {
  const { rows } = await api.supabase.db.query<{ practitioner_id: string }>(
    "select practitioner_id from public.bookings where id = $1",
    [bookingId],
  );
  return rows[0]?.practitioner_id ?? "none";
}

describe("the practice assigns the first free practitioner", () => {
  beforeAll(() => assignment("first_free"));

  it("lists the union of the pool's slots when no practitioner is named", async () => {
    const date = futureWeekday(0);
    const [pool, one, two] = await Promise.all([day(date), day(date, first), day(date, second)]);
    const starts = [...new Set([...one.slots, ...two.slots].map((slot) => slot.start))].sort();
    expect(pool.slots.map((slot) => slot.start)).toEqual(starts);
    for (const slot of pool.slots) {
      const free = [one, two].some((d) =>
        d.slots.some((other) => other.start === slot.start && other.available),
      );
      expect(slot.available, slot.time).toBe(free);
    }
    // The second practitioner's later hours are the pool's too.
    expect(pool.slots.some((slot) => slot.time === "12:00 PM" && slot.available)).toBe(true);
    expect(one.slots.some((slot) => slot.time === "12:00 PM")).toBe(false);
    const calendar = await expectJson<{ practitionerId: string | null }>(
      await send(
        api,
        "GET",
        `/api/availability/calendar?from=${date}&days=2&sessionType=individual`,
      ),
      200,
    );
    expect(calendar.practitionerId).toBeNull();
  });

  it("books the first free practitioner in order, then the next, then answers 409", async () => {
    const date = futureWeekday(1);
    const a = await expectJson<{ bookingId: string }>(await book(date, "10:00 AM"), 201);
    expect(await practitionerOf(a.bookingId)).toBe(first);
    const b = await expectJson<{ bookingId: string }>(await book(date, "10:00 AM"), 201);
    expect(await practitionerOf(b.bookingId)).toBe(second);
    await expectProblem(await book(date, "10:00 AM"), 409, "slot_unavailable");
    const after = await day(date);
    expect(after.slots.find((slot) => slot.time === "10:00 AM")?.available).toBe(false);
  });

  it("gives two customers racing for one time the two practitioners, one each", async () => {
    const date = futureWeekday(2);
    const answers = await Promise.all([book(date, "10:00 AM"), book(date, "10:00 AM")]);
    const ids = await Promise.all(
      answers.map(async (answer) =>
        practitionerOf((await expectJson<{ bookingId: string }>(answer, 201)).bookingId),
      ),
    );
    expect(ids.sort()).toEqual([first, second].sort());
  });

  it("still books the practitioner a request names, and only them", async () => {
    const date = futureWeekday(3);
    const email = `pool-${crypto.randomUUID().slice(0, 12)}@example.test`;
    await consentFor(api, email);
    const body = {
      sessionType: "individual",
      format: "video",
      date,
      time: "10:00 AM",
      practitionerId: second,
      customer: { name: "Asha Rao", email },
      consentAccepted: true,
    };
    const named = await expectJson<{ bookingId: string }>(
      await post(api, "/api/bookings", body),
      201,
    );
    expect(await practitionerOf(named.bookingId)).toBe(second);
    await expectProblem(await post(api, "/api/bookings", body), 409, "slot_unavailable");
    // The first is still free then, for a request that names nobody.
    const pooled = await expectJson<{ bookingId: string }>(await book(date, "10:00 AM"), 201);
    expect(await practitionerOf(pooled.bookingId)).toBe(first);
  });
});

describe("the practice assigns the first active practitioner (the default)", () => {
  beforeAll(() => assignment("first_active"));

  it("answers for the first practitioner alone and books only them", async () => {
    const date = futureWeekday(4);
    const [byDefault, one] = await Promise.all([day(date), day(date, first)]);
    expect(byDefault.slots).toEqual(one.slots);
    const a = await expectJson<{ bookingId: string }>(await book(date, "10:00 AM"), 201);
    expect(await practitionerOf(a.bookingId)).toBe(first);
    await expectProblem(await book(date, "10:00 AM"), 409, "slot_unavailable");
  });
});
