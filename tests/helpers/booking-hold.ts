// A signed-in customer's live hold on a seeded session type (supabase/seed.sql), made the way the
// SPA makes it: consent through POST /api/consent, then POST /api/bookings — with a practitioner
// of its own unless told otherwise (tests/helpers/practitioner.ts), so any working day and time
// of the seeded week is free.
import type { TestApi } from "./api.js";
import { newPractitioner } from "./practitioner.js";
import { apiClient, bearer, expectJson } from "./requests.js";

const DAY_MS = 86_400_000;
const IST_OFFSET_MS = 330 * 60_000;

/**
 * The n-th Monday to Friday (a working day of the seeded week) in Asia/Kolkata at least three
 * days from today there: bookable, and far enough ahead to cancel or move online.
 */
export function futureWeekday(n = 0): string {
  const today = new Date(Date.now() + IST_OFFSET_MS).toISOString().slice(0, 10);
  let day = Date.parse(`${today}T00:00:00Z`) + 3 * DAY_MS;
  let seen = -1;
  for (;;) {
    const weekday = new Date(day).getUTCDay();
    if (weekday >= 1 && weekday <= 5 && ++seen === n) break;
    day += DAY_MS;
  }
  return new Date(day).toISOString().slice(0, 10);
}

export interface HoldSlot {
  /**
   * Whose slot: a practitioner's id (tests/helpers/practitioner.ts), or null for none named, so
   * the default (seeded) practitioner. A fresh practitioner of the hold's own when omitted.
   */
  practitionerId?: string | null;
  /** futureWeekday() when omitted. */
  date?: string;
  /** 10:00 AM when omitted. */
  time?: string;
}

/** The body of POST /api/consent accepting the seeded consent version for the email. */
export function consentBody(email: string, sessionType = "individual") {
  return {
    sessionType,
    email,
    consentVersion: "2026-11",
    acknowledgments: [
      "confidentiality",
      "cancellation_policy",
      "emergency_contact",
      "telehealth_risks",
    ],
  };
}

/** The seeded consent version accepted for the email (POST /api/consent); answers its id. */
export async function consentFor(
  api: TestApi,
  email: string,
  options: { sessionType?: string; token?: string } = {},
): Promise<string> {
  const answer = await apiClient(api).POST("/api/consent", {
    body: consentBody(email, options.sessionType),
    headers: bearer(options.token),
  });
  return (await expectJson(answer, 201)).consentId;
}

/** Holds an individual video session (₹2,500.00) in the slot; answers the booking id. */
export async function holdBooking(
  api: TestApi,
  token: string,
  slot: HoldSlot = {},
): Promise<string> {
  const practitionerId =
    slot.practitionerId === undefined ? await newPractitioner(api.supabase) : slot.practitionerId;
  const email = `payer-${crypto.randomUUID().slice(0, 12)}@example.test`;
  await consentFor(api, email);
  const booking = await expectJson(
    await apiClient(api).POST("/api/bookings", {
      body: {
        sessionType: "individual",
        format: "video",
        date: slot.date ?? futureWeekday(),
        time: slot.time ?? "10:00 AM",
        ...(practitionerId !== null && { practitionerId }),
        customer: { name: "Asha Rao", email },
        consentAccepted: true,
      },
      headers: bearer(token),
    }),
    201,
  );
  return booking.bookingId;
}
