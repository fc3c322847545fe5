// GET and POST /api/availability through the dev server against the local stack with
// supabase/seed.sql: the seeded session types, practitioners with the seeded one's week
// (Asia/Kolkata, Monday to Friday 10:00–13:00 and 14:00–18:00), holds taking slots, the default
// practitioner, and the input errors.
//
// Each test asks about a practitioner of its own (tests/helpers/practitioner.ts), so no other
// test's or file's bookings show in its slots. The API caches each practitioner's schedule for a
// date for a minute (lib/scheduling/availability.ts); the booking endpoints invalidate it
// (tests/api/bookings.test.ts), but this file books through the database function directly,
// which does not, so the booking is made before the first request for its date.
// create_booking is the server's (service role), so it is called as the server calls it, naming
// the user.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApi, type TestApi } from "../helpers/api.js";
import {
  deactivatePractitioner,
  newPractitioner,
  SEEDED_PRACTITIONER,
} from "../helpers/practitioner.js";
import { expectJson, expectProblem, post, send } from "../helpers/requests.js";
import { fakeSealed } from "../helpers/sealed.js";
import { PROJECT_SEED } from "../helpers/supabase.js";

let api: TestApi;
beforeAll(async () => {
  api = await startTestApi({ seedFile: PROJECT_SEED });
});
afterAll(async () => {
  await api?.close();
});

const DAY_MS = 86_400_000;
const IST_OFFSET_MS = 330 * 60_000;

/** "YYYY-MM-DD" plus days. */
function addDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);
}

/** The first Monday in Asia/Kolkata at least three days from today there. */
function futureMonday(): string {
  let date = addDays(new Date(Date.now() + IST_OFFSET_MS).toISOString().slice(0, 10), 3);
  while (new Date(`${date}T00:00:00Z`).getUTCDay() !== 1) date = addDays(date, 1);
  return date;
}

/** A local time in Asia/Kolkata on the date, as the UTC instant the API answers with. */
function ist(date: string, hhmm: string): string {
  return new Date(Date.parse(`${date}T${hhmm}:00Z`) - IST_OFFSET_MS).toISOString();
}

function label(hhmm: string): string {
  const [h = 0, m = 0] = hhmm.split(":").map(Number);
  return `${h % 12 || 12}:${String(m).padStart(2, "0")} ${h < 12 ? "AM" : "PM"}`;
}

/** A Monday's individual (50-minute) slots in the seeded week, as the API lists them. */
const INDIVIDUAL_STARTS = [
  ["10:00", "10:50"],
  ["10:30", "11:20"],
  ["11:00", "11:50"],
  ["11:30", "12:20"],
  ["12:00", "12:50"],
  ["14:00", "14:50"],
  ["14:30", "15:20"],
  ["15:00", "15:50"],
  ["15:30", "16:20"],
  ["16:00", "16:50"],
  ["16:30", "17:20"],
  ["17:00", "17:50"],
] as const;

function expectedSlots(date: string, unavailable: string[] = []) {
  return INDIVIDUAL_STARTS.map(([start, end]) => ({
    time: label(start),
    start: ist(date, start),
    end: ist(date, end),
    available: !unavailable.includes(start),
  }));
}

interface AvailabilityBody {
  date: string;
  sessionType: string;
  timezone: string;
  slots: { time: string; start: string; end: string; available: boolean }[];
}

const get = (query: Record<string, string>) =>
  send(api, "GET", `/api/availability?${new URLSearchParams(query)}`);
const postQuestion = (body: unknown) => post(api, "/api/availability", body);
const okBody = (response: Response) => expectJson<AvailabilityBody>(response, 200);

describe("GET /api/availability", () => {
  it("lists a future Monday's slots in the practitioner's zone with UTC instants", async () => {
    const date = futureMonday();
    const practitionerId = await newPractitioner(api.supabase);
    const body = await okBody(await get({ date, sessionType: "individual", practitionerId }));
    expect(body).toEqual({
      date,
      sessionType: "individual",
      timezone: "Asia/Kolkata",
      slots: expectedSlots(date),
    });
    // 10:00 in India is 04:30 UTC.
    expect(body.slots[0]?.start).toBe(`${date}T04:30:00.000Z`);
  });

  it("lists no slots on a Saturday, when the practitioner does not work", async () => {
    const date = addDays(futureMonday(), 5);
    const practitionerId = await newPractitioner(api.supabase);
    const body = await okBody(await get({ date, sessionType: "individual", practitionerId }));
    expect(body.slots).toEqual([]);
  });

  it("lists a past day's slots as unavailable", async () => {
    const date = addDays(futureMonday(), -28);
    const practitionerId = await newPractitioner(api.supabase);
    const body = await okBody(await get({ date, sessionType: "individual", practitionerId }));
    expect(body.slots).toHaveLength(INDIVIDUAL_STARTS.length);
    expect(body.slots.every((slot) => !slot.available)).toBe(true);
  });

  it("marks the slots a hold overlaps, with the buffer, as unavailable", async () => {
    const date = futureMonday();
    const practitionerId = await newPractitioner(api.supabase);
    const user = await api.signUp();
    // The free introductory call needs no consent: 15 minutes and a 5-minute buffer.
    const server = api.supabase.client(api.supabase.serviceRoleKey);
    const hold = await server.rpc("create_booking", {
      p_user_id: user.id,
      p_session_type_slug: "free",
      p_format: "video",
      p_practitioner_id: practitionerId,
      p_start: ist(date, "10:00"),
      p_currency: "INR",
      p_customer_name_sealed: fakeSealed("name"),
      p_customer_email_sealed: fakeSealed("email"),
      p_customer_email_hash: "hash-of-email",
      p_customer_phone_sealed: null,
      p_notes_sealed: null,
      p_consent_accepted: false,
      p_consent_id: null,
      p_manage_token_hash: null,
    });
    expect(hold.error).toBeNull();
    // The call blocks 10:00–10:20 (15 minutes and its 5-minute buffer). An individual session
    // at 10:00 would overlap it; one at 10:30 keeps its own 10-minute buffer clear of it
    // (10:20 + 10 minutes), so only 10:00 is taken.
    const body = await okBody(await get({ date, sessionType: "individual", practitionerId }));
    expect(body.slots).toEqual(expectedSlots(date, ["10:00"]));
    // No customer data leaves through the answer.
    for (const personal of ["sealed", "v1.k1.", "hash-of-email"]) {
      expect(JSON.stringify(body)).not.toContain(personal);
    }
  });

  it("answers for the seeded practitioner when the question names none", async () => {
    const date = futureMonday();
    const question = { date, sessionType: "individual" };
    const byDefault = await okBody(await get(question));
    expect(byDefault.timezone).toBe("Asia/Kolkata");
    expect(byDefault.slots.map((slot) => slot.start)).toEqual(
      expectedSlots(date).map((slot) => slot.start),
    );
    const named = await okBody(await get({ ...question, practitionerId: SEEDED_PRACTITIONER }));
    expect(byDefault).toEqual(named);
  });

  it("answers 404 for a practitioner who is unknown or not taking bookings", async () => {
    const inactive = await newPractitioner(api.supabase);
    await deactivatePractitioner(api.supabase, inactive);
    for (const practitionerId of [inactive, crypto.randomUUID()]) {
      const response = await get({
        date: futureMonday(),
        sessionType: "individual",
        practitionerId,
      });
      await expectProblem(response, 404, "not_found");
    }
  });

  it("answers 404 for an unknown session type", async () => {
    const response = await get({ date: futureMonday(), sessionType: "astrology" });
    await expectProblem(response, 404, "not_found");
  });

  it.each([
    [{ date: "2026-02-30", sessionType: "individual" }],
    [{ date: "next monday", sessionType: "individual" }],
    [{ date: "2026-03-02" }],
    [{ date: "2026-03-02", sessionType: "Individual!" }],
    [{ date: "2026-03-02", sessionType: "individual", practitioner: "x" }],
    [{ date: "2026-03-02", sessionType: "individual", practitionerId: "asha" }],
  ])("answers 400 for %j", async (query) => {
    const response = await get(query);
    await expectProblem(response, 400, "validation_failed");
  });
});

describe("POST /api/availability", () => {
  it("answers as GET does for the same question", async () => {
    const date = futureMonday();
    const practitionerId = await newPractitioner(api.supabase);
    const question = { date, sessionType: "individual", practitionerId };
    const viaPost = await okBody(await postQuestion(question));
    const viaGet = await okBody(await get(question));
    expect(viaPost).toEqual(viaGet);
    expect(viaPost.slots).toEqual(expectedSlots(date));
  });

  it("answers 400 for a bad date and 404 for an unknown session type or practitioner", async () => {
    const bad = await postQuestion({ date: "2026-13-01", sessionType: "individual" });
    await expectProblem(bad, 400, "validation_failed");
    const unknown = await postQuestion({ date: futureMonday(), sessionType: "astrology" });
    await expectProblem(unknown, 404, "not_found");
    const nobody = await postQuestion({
      date: futureMonday(),
      sessionType: "individual",
      practitionerId: crypto.randomUUID(),
    });
    await expectProblem(nobody, 404, "not_found");
  });

  it("rejects unknown fields", async () => {
    const response = await postQuestion({
      date: futureMonday(),
      sessionType: "individual",
      extra: 1,
    });
    await expectProblem(response, 400, "validation_failed");
  });
});
