// A signed-in customer's live hold on a seeded session (supabase/seed.sql), made the way the SPA
// makes it: consent through POST /api/consent, then POST /api/bookings.
import { expect } from "vitest";
import type { TestApi } from "./api.js";

const DAY_MS = 86_400_000;
const IST_OFFSET_MS = 330 * 60_000;

/** The n-th Tuesday-to-Friday in Asia/Kolkata at least three days from today there. */
export function futureWeekday(n: number): string {
  const today = new Date(Date.now() + IST_OFFSET_MS).toISOString().slice(0, 10);
  let day = Date.parse(`${today}T00:00:00Z`) + 3 * DAY_MS;
  let seen = -1;
  for (;;) {
    const weekday = new Date(day).getUTCDay();
    if (weekday >= 2 && weekday <= 5 && ++seen === n) break;
    day += DAY_MS;
  }
  return new Date(day).toISOString().slice(0, 10);
}

async function created<T>(response: Response): Promise<T> {
  const text = await response.text();
  expect(response.status, text).toBe(201);
  return JSON.parse(text) as T;
}

/** Holds an individual video session (₹2,500.00) at `time` on `date`; answers the booking id. */
export async function holdBooking(
  api: TestApi,
  token: string,
  date: string,
  time: string,
): Promise<string> {
  const email = `payer-${crypto.randomUUID().slice(0, 12)}@example.test`;
  const post = (path: string, body: object, headers: Record<string, string> = {}) =>
    fetch(`${api.url}${path}`, {
      method: "POST",
      headers: { "content-type": "application/json", ...headers },
      body: JSON.stringify(body),
    });
  await created(
    await post("/api/consent", {
      sessionType: "individual",
      email,
      consentVersion: "2026-11",
      acknowledgments: [
        "confidentiality",
        "cancellation_policy",
        "emergency_contact",
        "telehealth_risks",
      ],
    }),
  );
  const booking = await created<{ bookingId: string }>(
    await post(
      "/api/bookings",
      {
        sessionType: "individual",
        format: "video",
        date,
        time,
        customer: { name: "Asha Rao", email },
        consentAccepted: true,
      },
      { authorization: `Bearer ${token}` },
    ),
  );
  return booking.bookingId;
}
